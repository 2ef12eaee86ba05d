namespace Spot.Deploy.Aws;

/// <summary>
/// The SSM parameter of an <see cref="AmiQuery.Parameter"/> cannot give an AMI: it does not exist (SSM
/// <c>ParameterNotFound</c>), the version or label does not (<c>ParameterVersionNotFound</c>), or its value is not an
/// AMI id (<c>ami-</c> and hex digits). A SecureString's value is never shown.
/// </summary>
public class AmiParameterException : AmiNotFoundException
{
    /// <summary>Creates the exception with a generic message (prefer the other constructors).</summary>
    public AmiParameterException()
        : this("The SSM parameter does not give an AMI id.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public AmiParameterException(string message)
        : base(message)
    {
        ParameterName = string.Empty;
        Reason = message;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public AmiParameterException(string message, Exception? innerException)
        : base(message, innerException)
    {
        ParameterName = string.Empty;
        Reason = message;
    }

    /// <summary>Creates the exception for a parameter: the message names it and says why it gives no AMI.</summary>
    /// <param name="parameterName">The parameter as asked for, with its selector (<c>/images/web:3</c>).</param>
    /// <param name="reason">Why it gives no AMI, e.g. <c>it does not exist</c>.</param>
    /// <param name="innerException">SSM's error, when SSM refused the call.</param>
    public AmiParameterException(string parameterName, string reason, Exception? innerException)
        : base("The SSM parameter " + parameterName + " gives no AMI: " + reason + ".", innerException)
    {
        ParameterName = parameterName;
        Reason = reason;
    }

    /// <summary>The parameter as asked for, with its selector.</summary>
    public string ParameterName { get; }

    /// <summary>Why the parameter gives no AMI.</summary>
    public string Reason { get; }
}
