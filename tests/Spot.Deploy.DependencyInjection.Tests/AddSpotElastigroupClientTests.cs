using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spot.Deploy.Elastigroup;
using Spot.Deploy.Testing;

namespace Spot.Deploy.DependencyInjection.Tests;

public class AddSpotElastigroupClientTests
{
    private const string ListBody = """{"request":{"id":"r"},"response":{"status":{"code":200},"kind":"spotinst:aws:ec2:group","items":[{"id":"sig-1","name":"a__1"}],"count":1}}""";

    [Fact]
    public async Task Configuration_IsBoundAndTheClientCallsThroughTheFactory()
    {
        await using var server = await LoopbackServer.StartAsync(_ => new ScriptedResponse(200, ListBody));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Spot:BaseAddress"] = server.BaseAddress.ToString(),
            ["Spot:Token"] = "cfg-token",
            ["Spot:AccountId"] = "act-cfg",
            ["Spot:MaxRetries"] = "2",
        }).Build();
        var services = new ServiceCollection();
        services.AddSpotElastigroupClient(configuration.GetSection("Spot"));
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IElastigroupClient>();
        var groups = await client.ListGroupsAsync();

        groups.Single().Id.Should().Be("sig-1");
        var request = server.Requests.Single();
        request.Query.Should().Be("?accountId=act-cfg");
        request.Header("Authorization").Should().Be("Bearer cfg-token");
        provider.GetRequiredService<IOptions<ElastigroupClientOptions>>().Value.MaxRetries.Should().Be(2);
    }

    [Fact]
    public void InvalidOptions_FailWhenResolvedWithTheReason()
    {
        var services = new ServiceCollection();
        services.AddSpotElastigroupClient(o => { o.Token = "t"; o.AccountId = "act-1"; o.MaxRetries = 99; });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IElastigroupClient>();

        act.Should().Throw<OptionsValidationException>().WithMessage("*MaxRetries must be between 0 and 20*");
    }

    [Fact]
    public void Clients_ShareOneRateLimiter()
    {
        var services = new ServiceCollection();
        services.AddSpotElastigroupClient(o => { o.Token = "t"; o.AccountId = "act-1"; o.RequestsPerMinutePerRoute = 7; });
        using var provider = services.BuildServiceProvider();

        var first = provider.GetRequiredService<SpotRateLimiter>();
        var second = provider.GetRequiredService<SpotRateLimiter>();
        provider.GetRequiredService<IElastigroupClient>().Should().NotBeNull();

        first.Should().BeSameAs(second);
        first.RequestsPerMinute.Should().Be(7);
    }

    [Fact]
    public async Task HttpClientBuilder_LetsCallersAddHandlers()
    {
        var handler = new CountingHandler();
        var services = new ServiceCollection();
        services.AddSpotElastigroupClient(o => { o.Token = "t"; o.AccountId = "act-1"; o.BaseAddress = new Uri("http://127.0.0.1:9"); })
            .ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IElastigroupClient>().ListGroupsAsync();

        handler.Calls.Should().Be(1);
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(ListBody) });
        }
    }
}
