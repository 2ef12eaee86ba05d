namespace Spot.Deploy.Planning;

/// <summary>
/// A deployment request is invalid. Raised before anything in the cloud is changed, and names the
/// offending field (for example <c>Capacity.Minimum</c> or <c>Phases[2].Step</c>).
/// </summary>
public sealed class DeploymentValidationException : Exception
{
    /// <summary>Creates the exception for one invalid field.</summary>
    /// <param name="field">The path of the invalid field, e.g. <c>Capacity.Maximum</c>.</param>
    /// <param name="reason">What is wrong with it, as a sentence a person can act on.</param>
    public DeploymentValidationException(string field, string reason)
        : base(field + ": " + reason)
    {
        Field = field;
        Reason = reason;
    }

    /// <summary>Creates the exception for one invalid field, found invalid by another component (an AMI lookup, a route read).</summary>
    /// <param name="field">The path of the invalid field, e.g. <c>Image</c> or <c>LoadBalancers[0].Production</c>.</param>
    /// <param name="reason">What is wrong with it, as a sentence a person can act on.</param>
    /// <param name="innerException">The error that showed it.</param>
    public DeploymentValidationException(string field, string reason, Exception? innerException)
        : base(field + ": " + reason, innerException)
    {
        Field = field;
        Reason = reason;
    }

    /// <summary>Creates the exception with no field (prefer the field overload).</summary>
    public DeploymentValidationException()
        : this("Request", "The deployment request is invalid.")
    {
    }

    /// <summary>Creates the exception with a message and no field (prefer the field overload).</summary>
    public DeploymentValidationException(string message)
        : this("Request", message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public DeploymentValidationException(string message, Exception innerException)
        : base("Request: " + message, innerException)
    {
        Field = "Request";
        Reason = message;
    }

    /// <summary>The path of the invalid field, e.g. <c>Capacity.Maximum</c>.</summary>
    public string Field { get; }

    /// <summary>What is wrong with the field.</summary>
    public string Reason { get; }
}
