using System.Text.Json.Nodes;

namespace Spot.Deploy.Cli.Tests;

/// <summary>
/// A real group document with third-party credentials (the Spot Python SDK's create request: rancher, nomad, chef,
/// rightScale …) deploys with every strategy that creates a group, and plan lists every value it keeps out of the
/// journal, all at once and without the values. Against the embedded emulator on its virtual clock.
/// </summary>
public sealed class DocumentSecretsCommandTests
{
    private static readonly string SdkDocument = Path.Combine(AppContext.BaseDirectory, "TestData", "spot-fixtures", "sdkpy-aws-group-create-request.json");

    private static readonly string[] KeptOut =
    [
        "$.compute.launchSpecification.userData",
        "$.thirdPartiesIntegration.rancher.accessKey",
        "$.thirdPartiesIntegration.rancher.secretKey",
        "$.thirdPartiesIntegration.nomad.aclToken",
        "$.thirdPartiesIntegration.chef.pemKey",
        "$.thirdPartiesIntegration.rightScale.refreshToken",
    ];

    [Theory]
    [InlineData("basic")]
    [InlineData("canary")]
    [InlineData("bluegreen")]
    public async Task Deploy_OfADocumentWithCredentials_Succeeds(string strategy)
    {
        string[] phases = strategy == "canary" ? ["--phase", "25", "--phase", "100"] : [];
        var (code, output, error) = await RunAsync(["deploy", strategy, "--app", "web", "--emulator", "--document", SdkDocument, .. phases]);

        code.Should().Be(ExitCodes.Success, output + error);
        output.Should().Contain("Succeeded").And.NotContain("looks like a secret");
    }

    [Fact]
    public async Task Plan_ListsEveryPathKeptOutOfTheJournal_AsTextAndJson_WithoutValues()
    {
        var text = await RunAsync("plan", "canary", "--app", "web", "--emulator", "--document", SdkDocument, "--phase", "100");
        var json = await RunAsync("plan", "canary", "--app", "web", "--emulator", "--document", SdkDocument, "--phase", "100", "--format", "json");

        text.Code.Should().Be(ExitCodes.Success, text.Error);
        text.Output.Should().Contain("Kept out of the journal (6; journaled as their SHA-256 digests):");
        foreach (var path in KeptOut)
        {
            text.Output.Should().Contain("   " + path + Environment.NewLine);
        }

        json.Code.Should().Be(ExitCodes.Success, json.Error);
        JsonNode.Parse(json.Output)!["keptOutOfJournal"]!.AsArray().Select(p => (string?)p).Should().Equal(KeptOut);
        foreach (var value in new[] { "\"KEY\"", "SECRET", "TOKEN", "IyEvYmluL2Jhc2gNCnRvdWNoIHRlc3Qiquwhq38" })
        {
            (text.Output + json.Output).Should().NotContain(value);
        }
    }

    [Fact]
    public async Task Plan_OfADocumentWithoutSecrets_HasAnEmptyList()
    {
        var json = await RunAsync("plan", "basic", "--app", "web", "--emulator", "--format", "json");

        json.Code.Should().Be(ExitCodes.Success, json.Error);
        JsonNode.Parse(json.Output)!["keptOutOfJournal"]!.AsArray().Should().BeEmpty();
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Cli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
