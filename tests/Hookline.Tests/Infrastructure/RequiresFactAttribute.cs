namespace Hookline.Tests;

/// <summary>What a test needs beyond .NET.</summary>
public enum Requirement
{
    /// <summary>The Node tools: <c>npm ci</c> in tests/node and in samples/receiver.</summary>
    NodeTools,

    /// <summary>Debian's Chromium at <c>/usr/bin/chromium</c>: <c>apt-get install chromium</c>.</summary>
    Chromium,

    /// <summary>The Kiota client generator, the local tool of <c>.config/dotnet-tools.json</c>: <c>dotnet tool restore</c>.</summary>
    Kiota,

    /// <summary>openapi-typescript, openapi-fetch and TypeScript: <c>npm ci</c> in tests/clients/typescript.</summary>
    TypeScriptClient,
}

/// <summary>A fact that needs a tool: skipped with the reason when it is missing, except on CI, where it runs and fails.</summary>
public sealed class RequiresFactAttribute : FactAttribute
{
    public RequiresFactAttribute(Requirement requirement)
    {
        var (available, install) = requirement switch
        {
            Requirement.NodeTools => (TestEnvironment.HasNodeTools, "npm ci --prefix tests/node && npm ci --prefix samples/receiver"),
            Requirement.Chromium => (TestEnvironment.HasChromium, "apt-get install chromium"),
            Requirement.Kiota => (TestEnvironment.HasKiota, "dotnet tool restore"),
            Requirement.TypeScriptClient => (TestEnvironment.HasTypeScriptClientTools, "npm ci --prefix tests/clients/typescript"),
            _ => throw new ArgumentOutOfRangeException(nameof(requirement)),
        };
        if (!available && !TestEnvironment.IsCI)
        {
            Skip = $"Needs {requirement}: run `{install}`.";
        }
    }
}
