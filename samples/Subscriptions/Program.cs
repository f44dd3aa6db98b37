var builder = WebApplication.CreateBuilder(args);

builder.Services.AddOpenApi();
builder.Services.AddWebhooks();

var app = builder.Build();

app.Webhooks.MapPost<Subscription>("new-subscription")
   .WithDescription("When a new user subscribes to your service we'll send you a POST request with this data to the URL that you register for the event `new-subscription` in the dashboard.");

app.MapOpenApi();
app.MapApiDocs();

app.MapGet("/users", () => new[] { "Rick", "Morty" });

app.Run();

/// <summary>A user's subscription to the service.</summary>
/// <param name="Username">The subscriber's user name.</param>
/// <param name="MonthlyFee">What the subscriber pays each month.</param>
/// <param name="StartDate">When the subscription starts.</param>
public sealed record Subscription(string Username, decimal MonthlyFee, DateTimeOffset StartDate);

public partial class Program;
