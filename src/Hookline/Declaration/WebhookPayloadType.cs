using System.IO.Pipelines;
using System.Reflection;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Hookline;

/// <summary>Checks that a payload type can be written as a JSON request body.</summary>
internal static class WebhookPayloadType
{
    private static readonly Type[] s_streams = [typeof(Stream), typeof(PipeReader), typeof(PipeWriter)];
    private static readonly Type[] s_forms = [typeof(IFormFile), typeof(IFormFileCollection), typeof(IFormCollection)];
    private static readonly Type[] s_framework =
    [
        typeof(HttpContext), typeof(HttpRequest), typeof(HttpResponse), typeof(CancellationToken), typeof(ClaimsPrincipal),
        typeof(IServiceProvider), typeof(Type), typeof(MemberInfo),
    ];

    /// <summary>
    /// Throws for types that are never JSON: pointers, by-refs, spans, delegates, tasks, open generics, <see cref="void"/>, streams,
    /// forms and files, and request or framework objects (<see cref="HttpContext"/>, <see cref="CancellationToken"/>...).
    /// </summary>
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
            // System.Text.Json would write these as their public properties (or fail only when one is published): not what is meant.
            _ when s_streams.Any(t => t.IsAssignableFrom(payloadType)) =>
                "a stream is bytes to read, not JSON data; declare the type its JSON holds",
            _ when s_forms.Any(t => t.IsAssignableFrom(payloadType)) =>
                "a form or uploaded file is not JSON data; declare the values it carries",
            _ when s_framework.Any(t => t.IsAssignableFrom(payloadType)) =>
                "it is part of a request or of the framework, not data; declare a type with the values to send",
            _ => null,
        };

        if (problem is not null)
        {
            throw new ArgumentException(
                $"Webhook '{name}' cannot use payload type '{payloadType}': {problem}. "
                + "Use a class, record or struct that System.Text.Json can serialize.",
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
                $"Webhook '{name}' cannot use payload type '{payloadType}': System.Text.Json cannot serialize it ({e.Message}). "
                + "Use a type it can serialize, or register a converter in ConfigureHttpJsonOptions.",
                e);
        }
    }
}
