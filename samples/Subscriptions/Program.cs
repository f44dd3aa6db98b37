using System.Data.Common;
using System.Security.Claims;
using Hookline;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Data.Sqlite;
using Microsoft.OpenApi;
using Npgsql;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
{
    // The docs UI's "Authorize" button: the API key header.
    document.Components ??= new();
    document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
    document.Components.SecuritySchemes[ApiKeyAuthentication.SchemeName] = new OpenApiSecurityScheme
    {
        Type = SecuritySchemeType.ApiKey,
        In = ParameterLocation.Header,
        Name = ApiKeyAuthentication.Header,
        Description = "Your API key. In Development: alice-dev-key or bob-dev-key.",
    };
    document.Security = [new() { [new OpenApiSecuritySchemeReference(ApiKeyAuthentication.SchemeName, document)] = [] }];
    return Task.CompletedTask;
}));
// A body that names a property twice is ambiguous: refuse it (400) rather than keep the last.
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.AllowDuplicateProperties = false);
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
{
    // A payload over the webhook's size limit is the client's to fix: say why (the status comes from the selector below). Any
    // other problem with a payload is this app's bug: a 500, logged; in Development its answer says why too.
    if (context.Exception is WebhookPayloadException { Problem: WebhookPayloadProblem.TooLarge } payload)
    {
        context.ProblemDetails.Detail = $"The subscription is {payload.PayloadBytes:N0} bytes as JSON, "
            + $"over the {payload.MaxPayloadBytes:N0}-byte limit of its webhook.";
    }
    else
    {
        // A bodiless 415 (from routing) says what to send; in Development, any other error says why.
        context.ProblemDetails.Detail ??= context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType
            ? "Send the body as JSON, with the header Content-Type: application/json."
            : builder.Environment.IsDevelopment() ? context.Exception?.Message : null;
    }
});
builder.Services.AddAuthentication(ApiKeyAuthentication.SchemeName)
       .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
builder.Services.AddAuthorization();
// The subscriptions and the webhooks share one database, so both commit in one transaction: PostgreSQL when the
// connection string "Postgres" is set (for several instances), else a SQLite file.
var webhooks = builder.Services.AddWebhooks(builder.Configuration.GetSection("Webhooks").Bind);
if (builder.Configuration.GetConnectionString("Postgres") is { } postgres)
{
    builder.Services.AddSingleton<DbDataSource>(_ => NpgsqlDataSource.Create(postgres));
    webhooks.UsePostgreSql(sp => (NpgsqlDataSource)sp.GetRequiredService<DbDataSource>());
}
else
{
    var sqlite = builder.Configuration.GetConnectionString("Webhooks")
                 ?? $"Data Source={Path.Combine(builder.Environment.ContentRootPath, "webhooks.db")}";
    builder.Services.AddSingleton(_ => SqliteFactory.Instance.CreateDataSource(sqlite));
    webhooks.UseSqlite(sqlite);
}

builder.Services.AddHealthChecks().AddWebhookBacklog();
// The users' own web page for their webhooks; they open it with a one-time link (POST /webhooks/dashboard-links), made
// under Webhooks:Dashboard:PublicBaseUrl (outside Development, set it to the app's public URL to make links).
builder.Services.AddWebhookDashboard(builder.Configuration.GetSection("Webhooks:Dashboard").Bind);

var app = builder.Build();
// Unhandled exceptions answer a ProblemDetails, never a stack trace: 413 for a payload over the webhook's limit, else 500.
app.UseExceptionHandler(new ExceptionHandlerOptions
{
    StatusCodeSelector = exception => exception switch
    {
        WebhookPayloadException { Problem: WebhookPayloadProblem.TooLarge } => StatusCodes.Status413PayloadTooLarge,
        // Unreadable JSON bodies: thrown in Development (RouteHandlerOptions.ThrowOnBadRequest), answered 400 elsewhere.
        BadHttpRequestException bad => bad.StatusCode,
        _ => StatusCodes.Status500InternalServerError,
    },
});
app.UseStatusCodePages(); // Bodiless errors (401, 415) answer a ProblemDetails too: so it comes before authentication.
app.UseAuthentication();
app.UseAuthorization();

app.Webhooks.MapPost<Subscription>("new-subscription")
   .WithDescription("When a new user subscribes to your service we'll send you a POST request with this data to the URL that you register for the event `new-subscription` in the dashboard.");
app.Webhooks.MapPost<Subscription>("subscription-changed")
   .WithDescription("When a subscription's monthly fee changes we'll send you a POST request with the subscription as it now is. "
                    + "Set your endpoint's ordering to `ordered` to receive each subscription's changes in the order they were made.");

app.MapOpenApi();
app.MapApiDocs();
// The backlog's figures (pending deliveries, how long the oldest due one has waited), not only "Healthy".
app.MapHealthChecks("/health", new HealthCheckOptions
{
    ResponseWriter = (context, report) => context.Response.WriteAsJsonAsync(new
    {
        status = report.Status.ToString(),
        checks = report.Entries.ToDictionary(
            e => e.Key,
            e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
    }),
});

// Each API user (an API key) is a tenant: they register their own URLs and see only their own deliveries.
app.MapWebhookManagement("/webhooks").RequireAuthorization();
// Not RequireAuthorization: link sessions are not sign-ins to the app; the dashboard's API refuses callers without a tenant.
app.MapWebhookDashboard("/webhooks/dashboard");

app.MapGet("/users", () => new[] { "Rick", "Morty" });

var subscriptions = app.MapGroup("/subscriptions").RequireAuthorization();

subscriptions.MapPost("/", async (Subscription subscription, ClaimsPrincipal user, DbDataSource database, IWebhookPublisher webhooks) =>
{
    if (string.IsNullOrWhiteSpace(subscription.Username))
    {
        return Results.ValidationProblem(new Dictionary<string, string[]> { ["username"] = ["A subscription needs a username."] });
    }

    var tenant = user.FindFirstValue(ClaimTypes.NameIdentifier)!;
    await using var connection = await database.OpenConnectionAsync();
    await using var transaction = await connection.BeginTransactionAsync();
    // The webhook is stored in this transaction: sent if and only if the subscription commits. Published first, so a payload it
    // cannot carry throws (413 from the exception handler) before anything is written; a return or throw before the
    // commit rolls both back.
    await webhooks.PublishAsync("new-subscription", subscription, tenant, transaction: transaction);
    if (!await SubscriptionTable.TryAddAsync(transaction, tenant, subscription))
    {
        return Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: $"{subscription.Username} is already subscribed.");
    }

    await transaction.CommitAsync();
    return Results.Created($"/subscriptions/{Uri.EscapeDataString(subscription.Username)}", subscription);
})
.WithSummary("Subscribe a user")
.WithDescription("Creates the subscription and sends the `new-subscription` webhook to every URL you registered for it.")
.Produces<Subscription>(StatusCodes.Status201Created)
.ProducesValidationProblem()
.ProducesProblem(StatusCodes.Status409Conflict)
.ProducesProblem(StatusCodes.Status413PayloadTooLarge);

subscriptions.MapPut("/{username}", async (
    string username, SubscriptionChange change, ClaimsPrincipal user, DbDataSource database, IWebhookPublisher webhooks) =>
{
    var tenant = user.FindFirstValue(ClaimTypes.NameIdentifier)!;
    await using var connection = await database.OpenConnectionAsync();
    await using var transaction = await connection.BeginTransactionAsync();
    // Changed before it is published: the row stays locked until the commit, so a second change of the same subscription waits
    // for this one and is published after it.
    if (await SubscriptionTable.TryChangeFeeAsync(transaction, tenant, username, change.MonthlyFee) is not { } subscription)
    {
        return Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"{username} is not subscribed.");
    }

    // Sent if and only if the change commits. The username is its ordering key: an endpoint set to ordered delivery receives
    // each subscription's changes one at a time, in the order they were made (and different subscriptions' at once).
    await webhooks.PublishAsync("subscription-changed", subscription, tenant, orderingKey: username, transaction: transaction);
    await transaction.CommitAsync();
    return Results.Ok(subscription);
})
.WithSummary("Change a subscription's monthly fee")
.WithDescription("Changes the fee and sends the `subscription-changed` webhook to every URL you registered for it.")
.Produces<Subscription>()
.ProducesProblem(StatusCodes.Status400BadRequest)
.ProducesProblem(StatusCodes.Status404NotFound)
.ProducesProblem(StatusCodes.Status413PayloadTooLarge);

subscriptions.MapGet("/", (ClaimsPrincipal user, DbDataSource database) =>
    SubscriptionTable.ListAsync(database, user.FindFirstValue(ClaimTypes.NameIdentifier)!))
   .WithSummary("List your subscriptions");

await SubscriptionTable.CreateAsync(app.Services.GetRequiredService<DbDataSource>());
app.Run();

/// <summary>A user's subscription to the service.</summary>
/// <example>{"username": "rick", "monthlyFee": 9.99, "startDate": "2026-03-01T00:00:00+00:00"}</example>
/// <param name="Username">The subscriber's user name.</param>
/// <param name="MonthlyFee">What the subscriber pays each month.</param>
/// <param name="StartDate">When the subscription starts.</param>
public sealed record Subscription(string Username, decimal MonthlyFee, DateTimeOffset StartDate);

/// <summary>A change to a user's subscription.</summary>
public sealed record SubscriptionChange
{
    /// <summary>What the subscriber pays each month from now on.</summary>
    public required decimal MonthlyFee { get; init; } // Required: a body without it is refused (400), not read as a fee of 0.
}

public partial class Program;
