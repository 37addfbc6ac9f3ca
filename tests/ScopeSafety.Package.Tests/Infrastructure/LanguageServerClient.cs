using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScopeSafety.Package.Tests.Infrastructure;

/// <summary>
/// The smallest LSP client that gets diagnostics out of a language server over stdio: initialize, answer the
/// server's workspace/configuration requests with the given settings, open one document, and collect what the
/// server publishes (textDocument/publishDiagnostics). Everything the server said is kept for failure messages.
/// </summary>
internal sealed class LanguageServerClient : IDisposable
{
    private readonly Process _process;
    private readonly Stream _input;
    private readonly Stream _output;
    private readonly JsonObject _settings;
    private readonly StringBuilder _transcript = new();
    private int _nextId = 1;

    private LanguageServerClient(Process process, JsonObject settings)
    {
        _process = process;
        _input = process.StandardInput.BaseStream;
        _output = process.StandardOutput.BaseStream;
        _settings = settings;
    }

    /// <summary>Starts the server in <paramref name="directory"/> (its workspace root) with the given "csharp" settings.</summary>
    public static LanguageServerClient Start(string executable, string directory, IReadOnlyDictionary<string, string> environment, JsonObject csharpSettings)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        DotNet.Isolate(start, environment);
        var process = Process.Start(start) ?? throw new InvalidOperationException("The language server did not start.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return new LanguageServerClient(process, csharpSettings);
    }

    public string Transcript => _transcript.ToString();

    /// <summary>
    /// Opens the document and waits until the server publishes diagnostics for it that satisfy <paramref name="done"/>;
    /// returns the codes of the last publication for that document (empty when the time ran out).
    /// </summary>
    public async Task<IReadOnlyList<string>> OpenAndWaitForDiagnosticsAsync(string path, Func<IReadOnlyList<string>, bool> done, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        var root = new Uri(Path.GetDirectoryName(path)! + Path.DirectorySeparatorChar).AbsoluteUri;
        var uri = new Uri(path).AbsoluteUri;
        var initializeId = await RequestAsync("initialize", new JsonObject
        {
            ["processId"] = Environment.ProcessId,
            ["rootUri"] = root,
            ["capabilities"] = new JsonObject
            {
                ["workspace"] = new JsonObject { ["configuration"] = true },
                ["textDocument"] = new JsonObject { ["publishDiagnostics"] = new JsonObject() },
            },
            ["initializationOptions"] = new JsonObject { ["csharp"] = _settings.DeepClone() },
        });

        IReadOnlyList<string> last = [];
        try
        {
            while (true)
            {
                var message = await ReadAsync(cancellation.Token);
                if (message is null)
                    return last;

                var method = message["method"]?.GetValue<string>();
                if (message["id"] is { } id && method is not null)
                {
                    // A request of the server: the "csharp" section for workspace/configuration, nothing for the rest.
                    JsonNode? result = method == "workspace/configuration"
                        ? new JsonArray([.. message["params"]!["items"]!.AsArray().Select(_ => (JsonNode)_settings.DeepClone())])
                        : null;
                    await SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id.DeepClone(), ["result"] = result });
                }
                else if (method is null && message["id"]?.GetValue<int>() == initializeId)
                {
                    await NotifyAsync("initialized", new JsonObject());
                    await NotifyAsync("workspace/didChangeConfiguration", new JsonObject { ["settings"] = new JsonObject { ["csharp"] = _settings.DeepClone() } });
                    await NotifyAsync("textDocument/didOpen", new JsonObject
                    {
                        ["textDocument"] = new JsonObject { ["uri"] = uri, ["languageId"] = "csharp", ["version"] = 1, ["text"] = File.ReadAllText(path) },
                    });
                }
                else if (method == "textDocument/publishDiagnostics" && message["params"]!["uri"]!.GetValue<string>() == uri)
                {
                    last = [.. message["params"]!["diagnostics"]!.AsArray().Select(d => d!["code"]?.ToString() ?? "")];
                    if (done(last))
                        return last;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return last;
        }
    }

    private async Task<int> RequestAsync(string method, JsonObject parameters)
    {
        var id = _nextId++;
        await SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters });
        return id;
    }

    private Task NotifyAsync(string method, JsonObject parameters) =>
        SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method, ["params"] = parameters });

    private async Task SendAsync(JsonObject message)
    {
        var body = Encoding.UTF8.GetBytes(message.ToJsonString());
        _transcript.Append("> ").AppendLine(Truncated(message.ToJsonString()));
        await _input.WriteAsync(Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"));
        await _input.WriteAsync(body);
        await _input.FlushAsync();
    }

    /// <summary>One message: headers up to an empty line, then Content-Length bytes of JSON; null at the end of the stream.</summary>
    private async Task<JsonNode?> ReadAsync(CancellationToken cancellationToken)
    {
        var length = -1;
        while (true)
        {
            var line = await ReadHeaderLineAsync(cancellationToken);
            if (line is null)
                return null;
            if (line.Length == 0)
                break;
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }

        var body = new byte[length];
        await _output.ReadExactlyAsync(body, cancellationToken);
        var text = Encoding.UTF8.GetString(body);
        _transcript.Append("< ").AppendLine(Truncated(text));
        return JsonNode.Parse(text);
    }

    private async Task<string?> ReadHeaderLineAsync(CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await _output.ReadAsync(one, cancellationToken) == 0)
                return null;
            if (one[0] == '\n')
                return Encoding.ASCII.GetString([.. bytes]).TrimEnd('\r');
            bytes.Add(one[0]);
        }
    }

    private static string Truncated(string text) => text.Length <= 400 ? text : text[..400] + "…";

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }
}
