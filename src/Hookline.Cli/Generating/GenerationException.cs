namespace Hookline.Cli.Generating;

/// <summary>
/// What stops a generation, said in one line for the person running it: a document that cannot be read or has nothing to generate
/// from (naming the file or URL and what is wrong), a bad namespace, an output file the tool did not write.
/// </summary>
internal sealed class GenerationException(string message) : Exception(message);
