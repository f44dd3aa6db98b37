using System.Collections.Concurrent;
using System.Reflection;

namespace Hookline.Cli.Tests;

/// <summary>
/// An implementation of any generated receiver interface, made at run time: each handler call is recorded with its arguments.
/// What a user's implementation would be handed, nothing more.
/// </summary>
public class RecordingReceiver : DispatchProxy
{
    public ConcurrentQueue<ReceivedCall> Calls { get; } = new();

    public static RecordingReceiver Create(Type receiverInterface) =>
        (RecordingReceiver)DispatchProxy.Create(receiverInterface, typeof(RecordingReceiver));

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        Calls.Enqueue(new(targetMethod!.Name, args![0]!, (string)args[1]!));
        return Task.CompletedTask;
    }
}

/// <summary>One handler call: the method, the typed payload and the <c>webhook-id</c>.</summary>
public sealed record ReceivedCall(string Method, object Payload, string WebhookId);
