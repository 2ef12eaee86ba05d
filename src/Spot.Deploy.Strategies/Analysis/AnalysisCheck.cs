using Spot.Deploy.Planning;

namespace Spot.Deploy.Strategies;

/// <summary>
/// One check of an analysis: something measured now and judged pass, fail or inconclusive — an HTTP endpoint
/// (<see cref="HttpCheck"/>), a Prometheus query (<see cref="PrometheusCheck"/>), or your own subclass (a PowerShell
/// class can derive from it). A measurement that throws counts as inconclusive, never as a pass.
/// </summary>
public abstract class AnalysisCheck
{
    /// <summary>The check's name in events, logs, the journal and a rollback's reason (required, unique in an analysis).</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Recorded and shown, but never fails or pauses anything (to try a new check safely).</summary>
    public bool DryRun { get; init; }

    /// <summary>True when the check reads CloudWatch through the deployment's AWS connection (refused without one).</summary>
    internal virtual bool NeedsDeploymentCloudWatch => false;

    /// <summary>Measures once.</summary>
    /// <param name="context">Where the deployment is, with the placeholders queries may use.</param>
    /// <param name="cancellationToken">Cancelled when the deployment is.</param>
    /// <returns>The measurement.</returns>
    public abstract Task<Measurement> MeasureAsync(AnalysisContext context, CancellationToken cancellationToken = default);

    /// <summary>Checks the definition before anything in the cloud changes; the base checks the name.</summary>
    /// <exception cref="DeploymentValidationException">Something is missing or invalid (the message names it).</exception>
    public virtual void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new DeploymentValidationException("check.name", "every check needs a name.");
        }
    }

    /// <summary>Fails validation when <paramref name="template"/> uses a placeholder <see cref="AnalysisContext"/> does not know.</summary>
    /// <param name="field">The field, for the message.</param>
    /// <param name="template">The text with <c>{placeholders}</c>.</param>
    protected void ValidateTemplate(string field, string? template)
    {
        if (template is not null && AnalysisContext.UnknownPlaceholder(template) is { } unknown)
        {
            throw new DeploymentValidationException($"check '{Name}'.{field}",
                $"unknown placeholder {{{unknown}}}; known: {string.Join(", ", AnalysisContext.Placeholders.Select(p => "{" + p + "}"))}.");
        }
    }
}
