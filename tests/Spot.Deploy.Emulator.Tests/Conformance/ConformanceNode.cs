using Spot.Deploy.Testing;

namespace Spot.Deploy.Emulator.Tests.Conformance;

/// <summary>The Node tools of tests/Spot.Deploy.Emulator.Tests/node.</summary>
internal static class ConformanceNode
{
    public static NodeRunner Runner { get; } = new(
        Path.Combine(PublicApiListing.RepositoryRoot(), "tests", "Spot.Deploy.Emulator.Tests", "node"),
        Path.Combine("@apidevtools", "json-schema-ref-parser"),
        "ajv",
        Path.Combine("@aws-sdk", "client-ec2"),
        Path.Combine("@aws-sdk", "client-elastic-load-balancing-v2"),
        Path.Combine("@aws-sdk", "client-cloudwatch"));

    /// <summary>The part of Spot's OpenAPI description the validator reads, kept in this test project (see its NOTICE.md).</summary>
    public static string SpotSpecRoot => Path.Combine(PublicApiListing.RepositoryRoot(), "tests", "Spot.Deploy.Emulator.Tests", "TestData", "spot-openapi", "api");
}
