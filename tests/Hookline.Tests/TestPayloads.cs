using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Hookline.Tests;

// Payload types shared by the tests. Each shape exercises one part of schema generation.

public sealed record Invoice(string Id, decimal Amount, float Rate, int Lines, long? Cents, Customer Customer, List<LineItem> Items);

public sealed record Customer(string Name, Address? Address);

public sealed record Address(string Street, string City);

public sealed record LineItem(string Sku, double Price);

/// <summary>A tree, to check that recursive types become one self-referencing component.</summary>
public sealed record TreeNode(string Label, TreeNode? Next, List<TreeNode> Children);

[JsonConverter(typeof(JsonStringEnumConverter<Plan>))]
public enum Plan
{
    Free,
    Pro,
}

/// <summary>Number-free, so its inbound and outbound schemas are identical.</summary>
public sealed record Account(string Owner, Plan Plan, Address Billing, Address? Shipping, List<Customer> Contacts, TreeNode Tree, Dictionary<string, Address> Sites);

[Description("A ping sent to check the endpoint is alive.")]
public sealed record Ping([property: Description("Sequence number.")] int Sequence);

public sealed record PriceAsString([property: JsonNumberHandling(JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString)] decimal Price, decimal Plain);

public sealed record NameClash([property: JsonPropertyName("x")] string A, [property: JsonPropertyName("x")] string B);

public sealed class Generic<T>
{
    public T? Value { get; set; }
}
