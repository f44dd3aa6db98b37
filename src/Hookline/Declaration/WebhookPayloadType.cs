using System.Text.Json;

namespace Hookline;

/// <summary>Checks that a payload type can be written as a JSON request body.</summary>
internal static class WebhookPayloadType
{
    /// <summary>Throws for types that are never JSON: pointers, by-refs, spans, delegates, tasks, open generics, <see cref="void"/>.</summary>
    public static void Validate(string name, Type payloadType)
    {
        ArgumentNullException.ThrowIfNull(payloadType);
        var problem = payloadType switch
        {
            _ when payloadType == typeof(void) => "void has no body",
            { IsPointer: true } or { IsFunctionPointer: true } or { IsUnmanagedFunctionPointer: true } => "a pointer is not data",
            { IsByRef: true } => "a by-ref type cannot be stored and sent later",
            { IsByRefLike: true } => "a ref struct cannot be stored and sent later",
            { ContainsGenericParameters: true } => "an open generic type has no shape until its type arguments are given",
            _ when typeof(Delegate).IsAssignableFrom(payloadType) => "a delegate is code, not data",
            _ when typeof(Task).IsAssignableFrom(payloadType) || payloadType == typeof(ValueTask)
                || (payloadType.IsGenericType && payloadType.GetGenericTypeDefinition() == typeof(ValueTask<>)) =>
                "a task is a pending operation, not data; declare its result type",
            _ => null,
        };

        if (problem is not null)
        {
            throw new ArgumentException(
                $"Webhook '{name}' cannot use payload type '{payloadType}': {problem}. Use a class, record or struct that System.Text.Json can serialize.",
                nameof(payloadType));
        }
    }

    /// <summary>Throws if <paramref name="options"/> cannot serialize <paramref name="payloadType"/>.</summary>
    public static void ValidateSerializable(string name, Type payloadType, JsonSerializerOptions options)
    {
        try
        {
            options.GetTypeInfo(payloadType);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"Webhook '{name}' cannot use payload type '{payloadType}': System.Text.Json cannot serialize it ({e.Message}). Use a type it can serialize, or register a converter in ConfigureHttpJsonOptions.",
                e);
        }
    }
}
