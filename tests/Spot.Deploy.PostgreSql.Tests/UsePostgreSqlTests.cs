using Microsoft.Extensions.DependencyInjection;

namespace Spot.Deploy.PostgreSql.Tests;

/// <summary>AddSpotDeploy's journal and lock become one PostgreSQL store, whichever is called first.</summary>
public sealed class UsePostgreSqlTests
{
    private const string Connection = "Host=127.0.0.1;Port=1;Database=deploy;Username=spot;Password=pw";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void UsePostgreSql_BeforeOrAfterAddSpotDeploy_JournalAndLockAreTheOneStore(bool first)
    {
        var services = new ServiceCollection();
        if (first)
        {
            services.UsePostgreSql(o => o.ConnectionString = Connection);
        }

        services.AddSpotDeploy(o => o.StateDirectory = Path.GetTempPath());
        if (!first)
        {
            services.UsePostgreSql(o => o.ConnectionString = Connection);
        }

        using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<PostgreSqlDeploymentStore>();
        provider.GetRequiredService<IDeploymentJournal>().Should().BeSameAs(store);
        provider.GetRequiredService<IAppLock>().Should().BeSameAs(store);
        store.ToString().Should().Be("PostgreSQL spot@127.0.0.1:1/deploy, schema spot_deploy");
    }

    [Fact]
    public void UsePostgreSql_InvalidOptions_RefusedAtRegistration()
    {
        var act = () => new ServiceCollection().UsePostgreSql(o => o.Schema = "Bad-Name");

        act.Should().Throw<ArgumentException>().WithMessage("*ConnectionString*Schema*");
    }
}
