namespace Hookline.Tests.Declaration;

public class WebhookNameTests
{
    [Theory]
    [InlineData("new-subscription", "New Subscription")]
    [InlineData("invoice.paid", "Invoice Paid")]
    [InlineData("order_shipped", "Order Shipped")]
    [InlineData("userCreated", "User Created")]
    [InlineData("v2:ping", "V2 Ping")]
    [InlineData("ping", "Ping")]
    public void ToSummary_Name_TitleCasesWords(string name, string expected) =>
        Assert.Equal(expected, WebhookName.ToSummary(name));

    [Theory]
    [InlineData("new-subscription", "POST", "newSubscriptionPost")]
    [InlineData("invoice.paid", "PUT", "invoicePaidPut")]
    [InlineData("Order_Shipped", "DELETE", "orderShippedDelete")]
    [InlineData("userCreated", "PATCH", "userCreatedPatch")]
    public void ToOperationId_NameAndMethod_CamelCases(string name, string method, string expected) =>
        Assert.Equal(expected, WebhookName.ToOperationId(name, method));

    [Theory]
    [InlineData("new-subscription")]
    [InlineData("invoice.paid")]
    [InlineData("a")]
    [InlineData("v1:user_created")]
    public void Validate_GoodName_DoesNotThrow(string name) => WebhookName.Validate(name);

    [Theory]
    [InlineData("", "must not be empty")]
    [InlineData("   ", "must not be empty")]
    [InlineData("new subscription", "'new subscription' is not valid")]
    [InlineData("-leading", "'-leading' is not valid")]
    [InlineData("a/b", "'a/b' is not valid")]
    [InlineData("caf\u00e9", "is not valid")]
    public void Validate_BadName_ThrowsSayingWhy(string name, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => WebhookName.Validate(name));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Validate_TooLong_ThrowsWithLimit()
    {
        var error = Assert.Throws<ArgumentException>(() => WebhookName.Validate(new string('a', WebhookName.MaxLength + 1)));
        Assert.Contains($"use at most {WebhookName.MaxLength}", error.Message);
    }
}
