using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hookline.Cli.Generating;
using Json.Schema;

namespace Hookline.Cli.Tests.Generating;

/// <summary>
/// Receivers generated from real providers' documents (<c>Fixtures/Corpus</c>, whose sources and licences <c>SOURCES.md</c> lists):
/// each compiles cleanly, and every example a document ships for a webhook is judged by an independent JSON Schema validator
/// (JsonSchema.Net) against the webhook's schema, then read by the generated types. A valid example is read and written back
/// losslessly; an invalid one is refused with an error that names the member, and read by the lenient options where its fault is
/// one they let through.
/// </summary>
public sealed class CorpusTests
{
    public static TheoryData<string> Documents =>
        [.. Directory.EnumerateFiles(Fixtures.CorpusFolder, "*.json").Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Documents))]
    public void Corpus_EveryExample_ValidOnesRoundTripLosslessly_InvalidOnesAreRefusedNamingTheMember(string file)
    {
        var corpus = CorpusDocument.Load(file);

        var checkedExamples = 0;
        foreach (var example in corpus.Examples())
        {
            var errors = CorpusDocument.Validate(example);
            if (errors.Count == 0)
            {
                var read = JsonSerializer.Deserialize(example.Value.ToJsonString(), example.PayloadType, corpus.Options);
                var written = JsonNode.Parse(JsonSerializer.Serialize(read, example.PayloadType, corpus.Options));
                JsonAssert.Equivalent(example.Value, written, example.Name);
            }
            else
            {
                var refusal = Assert.ThrowsAny<JsonException>(
                    () => JsonSerializer.Deserialize(example.Value.ToJsonString(), example.PayloadType, corpus.Options));
                Assert.True(
                    errors.Any(e => refusal.Message.Contains(e.Member, StringComparison.Ordinal)),
                    $"{example.Name}: the refusal '{refusal.Message}' names none of {string.Join(", ", errors)}");
            }

            checkedExamples++;
        }

        Assert.True(checkedExamples > 0, $"{file} has no example to check.");
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task Corpus_GeneratedReceiver_TakesEveryExampleSignedByHooklineSend_ValidOnesTyped_InvalidOnes400NamingTheMember(string file)
    {
        var corpus = CorpusDocument.Load(file);
        var secret = WebhookSecret.Generate();
        await using var app = await GeneratedReceiverApp.StartAsync(corpus.Assembly, CorpusDocument.Namespace, corpus.Name, secret);
        using var folder = Fixtures.NewFolder();
        var examples = corpus.Examples().ToList();

        var valid = new List<CorpusExample>();
        foreach (var (example, i) in examples.Select((e, i) => (e, i)))
        {
            var body = folder.File($"{i}.json");
            File.WriteAllText(body, example.Value.ToJsonString());
            var (exitCode, output) = await Cli.RunAsync(
                "send", $"{app.BaseUrl}/hooks", "--secret", secret, "--event", example.Webhook, "--id", $"msg_{i}", "--data", "@" + body);
            var errors = CorpusDocument.Validate(example);
            if (errors.Count == 0)
            {
                Assert.True(exitCode == 0, $"{example.Name}: {output}");
                valid.Add(example);
            }
            else
            {
                Assert.True(exitCode == 1 && output.Contains("400", StringComparison.Ordinal), $"{example.Name}: {output}");
                Assert.True(errors.Any(e => output.Contains(e.Member, StringComparison.Ordinal)), $"{example.Name}: {output}");
            }
        }

        Assert.Equal(
            valid.Select(e => e.PayloadType),
            app.Receiver.Calls.OrderBy(c => int.Parse(c.WebhookId["msg_".Length..], CultureInfo.InvariantCulture)).Select(c => c.Payload.GetType()));
    }

    /// <summary>One corpus document: its receiver generated and compiled, its schemas registered with the validator.</summary>
    private sealed class CorpusDocument
    {
        public const string Namespace = "Corpus.Receiver";
        private readonly JsonNode _json;
        private readonly Uri _uri;
        private readonly ReceiverModel _model;

        private CorpusDocument(string file)
        {
            var path = Path.Combine(Fixtures.CorpusFolder, file);
            _json = JsonNode.Parse(File.ReadAllText(path))!;
            _uri = new Uri($"https://corpus.test/{file}");
            var (model, files) = ReceiverGenerator.Emit(Fixtures.Load(path), Namespace);
            _model = model;
            Assembly = GeneratedCode.Compile(files.Values);
            Options = (JsonSerializerOptions)Assembly.GetType($"{Namespace}.{model.JsonName}", throwOnError: true)!
                .GetProperty("Options")!.GetValue(null)!;
            Registry = new SchemaRegistry();
            Registry.Register(new JsonElementBaseDocument(JsonSerializer.SerializeToElement(_json), _uri));
        }

        public JsonSerializerOptions Options { get; }

        public Assembly Assembly { get; }

        /// <summary>The receiver's name: <c>I{Name}Webhooks</c>, <c>Map{Name}Webhooks</c>.</summary>
        public string Name => _model.Name;

        private SchemaRegistry Registry { get; }

        public static CorpusDocument Load(string file) => new(file);

        /// <summary>Every example of every webhook's JSON body, <c>$ref</c>s to the document's examples resolved.</summary>
        public IEnumerable<CorpusExample> Examples()
        {
            foreach (var webhook in _model.Webhooks)
            {
                var media = _json["webhooks"]![webhook.Name]!["post"]!["requestBody"]!["content"]!["application/json"]!;
                var type = webhook.PayloadType.StartsWith("global::", StringComparison.Ordinal)
                    ? typeof(JsonElement)
                    : Assembly.GetType($"{Namespace}.{webhook.PayloadType}", throwOnError: true)!;
                var schema = JsonSchema.FromText(
                    $$"""{"$ref":"{{_uri}}#/webhooks/{{Escape(webhook.Name)}}/post/requestBody/content/application~1json/schema"}""",
                    // OpenAPI's own keywords (discriminator, example, x-...) annotate; they do not validate.
                    new BuildOptions { SchemaRegistry = Registry, Dialect = Dialect.Draft202012.With([], allowUnknownKeywords: true) },
                    new Uri($"https://corpus.test/checks/{Guid.NewGuid():N}"));
                foreach (var (name, example) in media["examples"]?.AsObject() ?? [])
                {
                    var resolved = example!["$ref"] is { } reference ? Resolve(reference.GetValue<string>()) : example;
                    yield return new CorpusExample(webhook.Name, $"{webhook.Name}/{name}", resolved!["value"]!, schema, type);
                }
            }
        }

        /// <summary>What the validator finds wrong with an example, each with the member it names.</summary>
        public static List<SchemaError> Validate(CorpusExample example)
        {
            var result = example.Schema.Evaluate(
                JsonSerializer.SerializeToElement(example.Value),
                new EvaluationOptions { OutputFormat = OutputFormat.List });
            return result.IsValid ? [] : [.. SchemaError.From(result)];
        }

        /// <summary>A JSON Pointer segment (RFC 6901).</summary>
        private static string Escape(string segment) => segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

        private JsonNode? Resolve(string reference) =>
            reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries)
                .Aggregate((JsonNode?)_json, (node, segment) => node?[segment.Replace("~1", "/").Replace("~0", "~")]);
    }

    private sealed record CorpusExample(string Webhook, string Name, JsonNode Value, JsonSchema Schema, Type PayloadType);

    /// <summary>A schema error, and the member it is about: the last property of where it is, or a missing required one.</summary>
    private sealed record SchemaError(string Member, string Text)
    {
        public static IEnumerable<SchemaError> From(EvaluationResults results) =>
            (results.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => Of(d, e.Key, e.Value)));

        private static SchemaError Of(EvaluationResults detail, string keyword, string text)
        {
            var where = detail.InstanceLocation.ToString();
            var member = keyword == "required" && RequiredMissing(text) is { } missing
                ? missing
                : where.Split('/').LastOrDefault(s => s.Length > 0 && !s.All(char.IsAsciiDigit)) ?? "$";
            return new(member, $"{where}: {keyword}: {text}");
        }

        private static string? RequiredMissing(string text)
        {
            // "Required properties ["name"] are not present": the first one named.
            var start = text.IndexOf('"', StringComparison.Ordinal);
            var end = start < 0 ? -1 : text.IndexOf('"', start + 1);
            return end > start ? text[(start + 1)..end] : null;
        }

        public override string ToString() => Text;
    }

    /// <summary>JSON equal as data: members in any order, a null member the same as an absent one, numbers by value, date-times by instant.</summary>
    private static class JsonAssert
    {
        public static void Equivalent(JsonNode? expected, JsonNode? actual, string where)
        {
            var difference = Difference(expected, actual, "$");
            Assert.True(difference is null, $"{where}: {difference}\nsent: {expected?.ToJsonString()}\nback: {actual?.ToJsonString()}");
        }

        private static string? Difference(JsonNode? expected, JsonNode? actual, string path)
        {
            switch (expected, actual)
            {
                case (null, null):
                    return null;
                case (JsonObject e, JsonObject a):
                    var names = e.Where(p => p.Value is not null).Select(p => p.Key)
                        .Union(a.Where(p => p.Value is not null).Select(p => p.Key));
                    return names.Select(n => Difference(e[n], a[n], $"{path}.{n}")).FirstOrDefault(d => d is not null);
                case (JsonArray e, JsonArray a):
                    return e.Count != a.Count
                        ? $"{path}: {e.Count} items sent, {a.Count} back"
                        : e.Select((item, i) => Difference(item, a[i], $"{path}[{i}]")).FirstOrDefault(d => d is not null);
                case (JsonValue e, JsonValue a) when SameValue(e, a):
                    return null;
                default:
                    return $"{path}: sent {expected?.ToJsonString() ?? "nothing"}, back {actual?.ToJsonString() ?? "nothing"}";
            }
        }

        private static bool SameValue(JsonValue expected, JsonValue actual) => (expected.GetValueKind(), actual.GetValueKind()) switch
        {
            (JsonValueKind.Number, JsonValueKind.Number) =>
                decimal.Parse(expected.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
                == decimal.Parse(actual.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
            (JsonValueKind.String, JsonValueKind.String) =>
                expected.GetValue<string>() == actual.GetValue<string>() || SameDateTime(expected.GetValue<string>(), actual.GetValue<string>()),
            var (e, a) => e == a && expected.ToJsonString() == actual.ToJsonString(),
        };

        /// <summary>RFC 3339 date-times equal as instants with the same offset (<c>Z</c> is <c>+00:00</c>, <c>.000</c> is nothing).</summary>
        private static bool SameDateTime(string expected, string actual) =>
            expected.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(expected, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var e)
            && DateTimeOffset.TryParse(actual, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var a)
            && e == a && e.Offset == a.Offset;
    }
}
