using System.Text.Json.Nodes;

namespace Spot.Deploy.Strategies.Tests;

/// <summary>The rule that decides which values of a create body the journal never holds, and the marker it holds instead.</summary>
public sealed class SensitiveValuesTests
{
    [Theory]
    [InlineData("accessKey")]
    [InlineData("secretKey")]
    [InlineData("apiKey")]
    [InlineData("API_KEY")]
    [InlineData("api.key")]
    [InlineData("pemKey")]
    [InlineData("privateKey")]
    [InlineData("sshKeyMaterial")]
    [InlineData("certificate")]
    [InlineData("clientCert")]
    [InlineData("clientSecret")]
    [InlineData("aclToken")]
    [InlineData("refreshToken")]
    [InlineData("x-auth-token")]
    [InlineData("password")]
    [InlineData("DB_PASSWORD")]
    [InlineData("passwd")]
    [InlineData("passphrase")]
    [InlineData("credentials")]
    [InlineData("Authorization")]
    [InlineData("userData")]
    [InlineData("USER_DATA")]
    [InlineData("shutdownScript")]
    [InlineData("httpTokens")]
    public void SensitiveNames(string name) => SensitiveValues.IsSensitiveName(name).Should().BeTrue();

    [Theory]
    [InlineData("keyPair")]
    [InlineData("KeyPair")]
    [InlineData("key_name")]
    [InlineData("tagKey")]
    [InlineData("key")]
    [InlineData("kmsKeyId")]
    [InlineData("tagValue")]
    [InlineData("value")]
    [InlineData("name")]
    [InlineData("description")]
    [InlineData("shouldPersistPrivateIp")]
    [InlineData("iamRole")]
    [InlineData("masterHost")]
    [InlineData("accountId")]
    public void NamesOfIdentifiersAndPlainSettings_AreNotSensitive(string name) => SensitiveValues.IsSensitiveName(name).Should().BeFalse();

    [Theory]
    [InlineData("spotToken")]
    [InlineData("AWS_SECRET_ACCESS_KEY")]
    [InlineData("password")]
    [InlineData("Authorization")]
    [InlineData("accessKeyId")]
    [InlineData("x-auth-token")]
    [InlineData("httpTokens")]
    [InlineData("authorizationHeader")]
    public void EveryNameTheJournalRefuses_IsSensitive_SoARedactedBodyIsNeverRefused(string name)
    {
        JournalSecrets.IsSecretLikeName(name).Should().BeTrue();
        SensitiveValues.IsSensitiveName(name).Should().BeTrue();
    }

    [Fact]
    public void TheIdentifierNames_AreNoneTheJournalRefuses()
    {
        foreach (var name in new[] { "keyPair", "keyName", "tagKey", "key", "kmsKeyId" })
        {
            JournalSecrets.IsSecretLikeName(name).Should().BeFalse(name);
        }
    }

    [Theory]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----")]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----")]
    [InlineData("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF")]
    [InlineData("-----BEGIN EC PRIVATE KEY-----\nMHcC")]
    [InlineData("-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQO")]
    [InlineData("#!/bin/bash\ncat > /root/.ssh/id_rsa <<EOF\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\nEOF")]
    public void PrivateKeys_AreRecognisedByValue(string text) => SensitiveValues.LooksLikePrivateKey(text).Should().BeTrue();

    [Theory]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIID\n-----END CERTIFICATE-----")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----")]
    [InlineData("a private key is expected here")]
    public void PublicMaterialAndProse_AreNot(string text) => SensitiveValues.LooksLikePrivateKey(text).Should().BeFalse();

    [Fact]
    public void Redact_ReplacesEachSensitiveValueByTheMarkerOfItsSha256_AndListsItsPath()
    {
        var body = (JsonObject)JsonNode.Parse("""
            {"name": "web__2", "compute": {"launchSpecification": {"keyPair": "ops", "userData": "IyEvYmluL3No",
              "tags": [{"tagKey": "team", "tagValue": "web"}]}},
             "thirdPartiesIntegration": {"rancher": {"accessKey": "abc", "secretKey": null},
              "datadog": {"credentials": {"site": "eu", "id": 7}},
              "docker": {"registries": ["registry", "-----BEGIN EC PRIVATE KEY-----\nMHcC"]}},
             "strange name": {"api key": "k"}}
            """)!;
        var original = body.ToJsonString();

        var (journaled, keptOut) = SensitiveValues.Redact(body);

        body.ToJsonString().Should().Be(original, "the exact body is not touched");
        keptOut.Should().Equal(
            "$.compute.launchSpecification.userData",
            "$.thirdPartiesIntegration.rancher.accessKey",
            "$.thirdPartiesIntegration.datadog.credentials",
            "$.thirdPartiesIntegration.docker.registries[1]",
            "$['strange name']['api key']");
        ((string?)journaled["thirdPartiesIntegration"]!["rancher"]!["accessKey"])
            .Should().Be("redacted:sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "SHA-256 of the UTF-8 of \"abc\"");
        journaled["thirdPartiesIntegration"]!["rancher"]!["secretKey"].Should().BeNull("a null holds nothing");
        ((string?)journaled["thirdPartiesIntegration"]!["datadog"]!["credentials"])
            .Should().Be(SensitiveValues.Marker(JsonNode.Parse("""{"site":"eu","id":7}""")!), "an object is one value: its compact JSON");
        ((string?)journaled["compute"]!["launchSpecification"]!["keyPair"]).Should().Be("ops");
        ((string?)journaled["compute"]!["launchSpecification"]!["tags"]![0]!["tagKey"]).Should().Be("team");
        JournalSecrets.FindSecretPath(journaled).Should().BeNull("markers and nulls pass the journal's last line of defence");
        JournalSecrets.FindSecretPath(body).Should().Be("$.thirdPartiesIntegration.rancher.accessKey");
    }

    [Theory]
    [InlineData("redacted:sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")]
    [InlineData("redacted:sha256:ba7816bf")]
    [InlineData("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("redacted:sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad and more")]
    public void TheJournal_StillRefusesASecretLikeNameWhoseValueOnlyLooksLikeAMarker(string value)
    {
        JournalSecrets.FindSecretPath(new JsonObject { ["token"] = value }).Should().Be("$.token");
    }

    [Fact]
    public void Differences_NameThePathsAndWhatDiffers_NeverTheValues()
    {
        var started = SensitiveValues.Redact((JsonObject)JsonNode.Parse("""{"a": 1, "b": {"token": "t1"}, "c": [1, 2], "d": true}""")!).Journaled;
        var given = SensitiveValues.Redact((JsonObject)JsonNode.Parse("""{"a": 2, "b": {"token": "t2"}, "c": [1], "e": null}""")!).Journaled;

        SensitiveValues.Differences(started, given).Should().Equal(
            ("$.a", "differs"),
            ("$.b.token", "a value kept out of the journal differs"),
            ("$.c", "1 items; the deployment started with 2"),
            ("$.d", "not in the given document"),
            ("$.e", "not in the document the deployment started with"));
    }
}
