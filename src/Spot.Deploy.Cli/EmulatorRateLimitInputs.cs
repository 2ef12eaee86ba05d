using System.CommandLine;
using System.Globalization;
using Spot.Deploy.Emulator;

namespace Spot.Deploy.Cli;

/// <summary>
/// The <c>emulator</c> command's Spot rate limit flags: <c>--spot-rate-limit N</c> calls per window (0: none),
/// <c>--spot-rate-limit-scope route|account</c> and <c>--spot-rate-limit-window S</c> seconds (default 60, Spot's).
/// </summary>
internal sealed class EmulatorRateLimitInputs
{
    private readonly Option<int> _limit = new("--spot-rate-limit") { Description = "Spot calls allowed per window; over it Spot answers 429 (0, the default: no limit).", DefaultValueFactory = _ => 0 };
    private readonly Option<string> _scope = new("--spot-rate-limit-scope") { Description = "What shares a window: route (each route and method, as Spot documents; default) or account (every call of the account).", DefaultValueFactory = _ => "route" };
    private readonly Option<int> _window = new("--spot-rate-limit-window") { Description = "The window in seconds (default 60, as Spot counts).", DefaultValueFactory = _ => 60 };

    public EmulatorRateLimitInputs(Command command)
    {
        _scope.AcceptOnlyFromAmong("route", "account");
        command.Options.Add(_limit);
        command.Options.Add(_scope);
        command.Options.Add(_window);
    }

    /// <summary>The settings to apply to the emulator's options; throws <see cref="CliUsageException"/> on a value out of range.</summary>
    public Action<EmulatorOptions> Read(ParseResult parse)
    {
        var limit = parse.GetValue(_limit);
        var window = parse.GetValue(_window);
        if (limit < 0)
        {
            throw new CliUsageException("--spot-rate-limit must be 0 (no limit) or more");
        }

        if (window is < 1 or > 3600)
        {
            throw new CliUsageException("--spot-rate-limit-window must be between 1 and 3600 seconds");
        }

        var scope = parse.GetValue(_scope) == "account" ? SpotRateLimitScope.Account : SpotRateLimitScope.Route;
        return options =>
        {
            options.SpotRequestsPerMinute = limit;
            options.SpotRateLimitScope = scope;
            options.SpotRateLimitWindow = TimeSpan.FromSeconds(window);
        };
    }

    /// <summary>The line the emulator prints about its limit, or null when it has none.</summary>
    public static string? Describe(EmulatorOptions options) =>
        options.SpotRequestsPerMinute == 0 ? null
        : string.Create(CultureInfo.InvariantCulture,
            $"Spot rate limit: {options.SpotRequestsPerMinute} calls per {options.SpotRateLimitWindow.TotalSeconds:0.###} s per {(options.SpotRateLimitScope == SpotRateLimitScope.Account ? "account" : "route and method")}");
}
