using System.Collections.Concurrent;
using Hookline;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddOpenApi();
builder.Services.AddProblemDetails();
builder.Services.AddWebhooks(builder.Configuration.GetSection("Webhooks").Bind)
       .UseSqlite(builder.Configuration.GetConnectionString("Webhooks") ?? "Data Source=webhooks.db");
builder.Services.AddHealthChecks().AddWebhookBacklog();
builder.Services.AddSingleton<ConcurrentDictionary<string, Subscription>>();
if (builder.Environment.IsDevelopment())
{
    builder.Services.AddHostedService<DemoReceiverRegistration>();
}

var app = builder.Build();

app.Webhooks.MapPost<Subscription>("new-subscription")
   .WithDescription("When a new user subscribes to your service we'll send you a POST request with this data to the URL that you register for the event `new-subscription` in the dashboard.");

app.MapOpenApi();
app.MapApiDocs();
app.MapHealthChecks("/health");

app.MapGet("/users", () => new[] { "Rick", "Morty" });

app.MapPost("/subscriptions", async (Subscription subscription, ConcurrentDictionary<string, Subscription> subscriptions, IWebhookPublisher webhooks, CancellationToken cancellationToken) =>
{
    if (string.IsNullOrWhiteSpace(subscription.Username))
    {
        return Results.ValidationProblem(new Dictionary<string, string[]> { ["username"] = ["A subscription needs a username."] });
    }

    if (!subscriptions.TryAdd(subscription.Username, subscription))
    {
        return Results.Problem(statusCode: StatusCodes.Status409Conflict, detail: $"{subscription.Username} is already subscribed.");
    }

    // Stored durably with a delivery to every endpoint subscribed to new-subscription, then sent in the background.
    await webhooks.PublishAsync("new-subscription", subscription, cancellationToken: cancellationToken);
    return Results.Created($"/subscriptions/{Uri.EscapeDataString(subscription.Username)}", subscription);
})
.WithSummary("Subscribe a user")
.WithDescription("Creates the subscription and sends the `new-subscription` webhook to every registered URL.")
.Produces<Subscription>(StatusCodes.Status201Created)
.ProducesValidationProblem()
.ProducesProblem(StatusCodes.Status409Conflict);

app.MapGet("/subscriptions", (ConcurrentDictionary<string, Subscription> subscriptions) => subscriptions.Values.OrderBy(s => s.StartDate))
   .WithSummary("List subscriptions");

app.Run();

/// <summary>A user's subscription to the service.</summary>
/// <param name="Username">The subscriber's user name.</param>
/// <param name="MonthlyFee">What the subscriber pays each month.</param>
/// <param name="StartDate">When the subscription starts.</param>
public sealed record Subscription(string Username, decimal MonthlyFee, DateTimeOffset StartDate);

public partial class Program;
