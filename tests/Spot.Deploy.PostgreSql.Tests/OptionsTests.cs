using Microsoft.Extensions.Configuration;

namespace Spot.Deploy.PostgreSql.Tests;

/// <summary>Options are validated once, name every problem, and never show the password.</summary>
public sealed class OptionsTests
{
    private const string Secret = "hunter2-pg-secret";
    private const string Connection = "Host=db.example;Port=5433;Database=deploy;Username=spot;Password=" + Secret;

    [Theory]
    [InlineData("Public")]
    [InlineData("a-b")]
    [InlineData("1abc")]
    [InlineData("x\"; DROP TABLE t; --")]
    [InlineData("")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd")]
    public void Validate_SchemaNotAPlainIdentifier_Refused(string schema)
    {
        var options = new PostgreSqlStoreOptions { ConnectionString = Connection, Schema = schema };

        var act = options.Validate;

        act.Should().Throw<ArgumentException>().WithMessage("*Schema*").Which.Message.Should().NotContain(Secret);
    }

    [Fact]
    public void Validate_RenewalNotShorterThanLease_AndNoConnection_NamesBoth()
    {
        var options = new PostgreSqlStoreOptions { LeaseTime = TimeSpan.FromSeconds(10), RenewalInterval = TimeSpan.FromSeconds(10) };

        var act = options.Validate;

        act.Should().Throw<ArgumentException>().WithMessage("*ConnectionString is required*RenewalInterval must be*");
    }

    [Fact]
    public void Validate_MalformedConnectionString_RefusedWithoutQuotingIt()
    {
        var options = new PostgreSqlStoreOptions { ConnectionString = "Host=db;Pasword=" + Secret };

        var act = options.Validate;

        act.Should().Throw<ArgumentException>().Which.ToString().Should().NotContain(Secret);
    }

    [Fact]
    public void ToString_And_StoreToString_ShowWhereButNotThePassword()
    {
        var options = new PostgreSqlStoreOptions { ConnectionString = Connection, Schema = "deploys" };
        using var store = new PostgreSqlDeploymentStore(options);

        options.ToString().Should().Be("PostgreSQL spot@db.example:5433/deploy, schema deploys");
        store.ToString().Should().Be(options.ToString());
    }

    [Fact]
    public void FromEnvironment_ReadsSpotDeployPostgres_AndNamesItWhenMissing()
    {
        PostgreSqlStoreOptions.FromEnvironment(name => name == "SPOT_DEPLOY_POSTGRES" ? Connection : null).ConnectionString.Should().Be(Connection);

        var act = () => PostgreSqlStoreOptions.FromEnvironment(_ => null);

        act.Should().Throw<InvalidOperationException>().WithMessage("*SPOT_DEPLOY_POSTGRES*");
    }

    [Fact]
    public void FromConfiguration_ReadsTheKey()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [PostgreSqlStoreOptions.ConfigurationKey] = Connection })
            .Build();

        PostgreSqlStoreOptions.FromConfiguration(configuration).ConnectionString.Should().Be(Connection);
    }
}
