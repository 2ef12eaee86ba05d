using System.Net;
using System.Xml.Linq;
using static Spot.Deploy.Aws.Tests.Elb.ElbAnswers;

namespace Spot.Deploy.Aws.Tests.Elb;

public class TrafficRouterTests
{
    private static readonly RouteRef ProductionDefault = new(ProductionListener);
    private static readonly RouteRef StageDefault = new(StageListener);

    private readonly FakeElb _elb = new();

    private TrafficRouter Router => _elb.Router;

    /// <summary>Production: OIDC then forward to blue (default rule); stage: forward to green (default rule).</summary>
    private FakeElb DefaultRules() =>
        _elb.AddListener(ProductionListener, 443, Oidc(1), Forward(BlueTg, 2))
            .AddListener(StageListener, 8443, Forward(GreenTg));

    /// <summary>Rules on each listener: host api.example.com (production, sticky weighted forward) and beta.example.com (stage).</summary>
    private (RouteRef Production, RouteRef Stage) ConditionalRules()
    {
        var production = new RouteRef(ProductionListener, FakeElb.RuleArn(ProductionListener, 1));
        var stage = new RouteRef(StageListener, FakeElb.RuleArn(StageListener, 1));
        _elb.AddListener(ProductionListener, 443, FixedResponse())
            .AddListener(StageListener, 8443, FixedResponse())
            .AddRule(ProductionListener, production.RuleArn!, 10, [HostCondition("api.example.com"), PathCondition("/v2/*")], Oidc(1), WeightedForward(2, true, (BlueTg, 1)))
            .AddRule(StageListener, stage.RuleArn!, 10, [HostCondition("beta.example.com")], Forward(GreenTg));
        return (production, stage);
    }

    public class TheResolveForwardAsyncMethod : TrafficRouterTests
    {
        [Fact]
        public async Task ResolveForwardAsync_DefaultRule_ReadsTheListenersDefaultForward()
        {
            DefaultRules();

            var forward = await Router.ResolveForwardAsync(ProductionDefault);

            forward.IsDefaultRule.Should().BeTrue();
            forward.PrimaryTargetGroupArn.Should().Be(BlueTg);
            forward.TargetGroups.Should().Equal(new WeightedTargetGroup(BlueTg, 1));
            forward.Stickiness.Should().Be(new TargetGroupStickiness(false, null));
            forward.Actions.Select(a => a.Type).Should().Equal("authenticate-oidc", "forward");
            _elb.Transport.Calls.Single().Parameters.Should().Equal(Pair("ListenerArns.member.1", ProductionListener), Pair("PageSize", "400"));
        }

        [Fact]
        public async Task ResolveForwardAsync_ConditionalRule_ReadsTheRulesWeightedForward()
        {
            var (production, _) = ConditionalRules();

            var forward = await Router.ResolveForwardAsync(production);

            forward.IsDefaultRule.Should().BeFalse();
            forward.TargetGroups.Should().Equal(new WeightedTargetGroup(BlueTg, 1));
            forward.Stickiness.Should().Be(new TargetGroupStickiness(true, 3600));
            forward.PrimaryTargetGroupArn.Should().Be(BlueTg);
            _elb.Transport.Calls.Single().Parameters.Should().Equal(Pair("RuleArns.member.1", production.RuleArn!), Pair("PageSize", "400"));
        }

        [Fact]
        public async Task ResolveForwardAsync_SplitTraffic_HasNoPrimaryGroup()
        {
            _elb.AddListener(ProductionListener, 443, WeightedForward(1, false, (BlueTg, 50), (GreenTg, 50)));

            var forward = await Router.ResolveForwardAsync(ProductionDefault);

            forward.PrimaryTargetGroupArn.Should().BeNull();
            forward.TargetGroups.Should().Equal(new WeightedTargetGroup(BlueTg, 50), new WeightedTargetGroup(GreenTg, 50));
        }

        [Fact]
        public async Task ResolveForwardAsync_RouteWithoutForward_ThrowsConflict()
        {
            _elb.AddListener(ProductionListener, 443, FixedResponse());

            var act = () => Router.ResolveForwardAsync(ProductionDefault);

            (await act.Should().ThrowAsync<TrafficRouterConflictException>()).Which.Route.Should().Be(ProductionDefault);
        }
    }

    public class TheSwapAsyncMethod : TrafficRouterTests
    {
        [Fact]
        public async Task SwapAsync_DefaultRules_ModifiesBothListenersWithTheCompleteActionList()
        {
            DefaultRules();

            var changes = await Router.SwapAsync(ProductionDefault, StageDefault);

            changes.Select(c => (c.Operation, c.ResourceArn)).Should().Equal(("ModifyListener", ProductionListener), ("ModifyListener", StageListener));
            var production = _elb.Modifications[0];
            production.Action.Should().Be("ModifyListener");
            production.Parameters[0].Should().Be(Pair("ListenerArn", ProductionListener));
            production.Under("DefaultActions.member.1.AuthenticateOidcConfig.").Should().HaveCount(14, "all nine OIDC settings, both extra parameters (key and value each), and UseExistingClientSecret are re-sent")
                .And.Contain(Pair("DefaultActions.member.1.AuthenticateOidcConfig.UseExistingClientSecret", "true"));
            production["DefaultActions.member.2.TargetGroupArn"].Should().Be(GreenTg);
            production["DefaultActions.member.2.ForwardConfig.TargetGroups.member.1.TargetGroupArn"].Should().Be(GreenTg);
            production.Under("DefaultActions.member.2.ForwardConfig.TargetGroups.member.2").Should().BeEmpty();
            production["DefaultActions.member.2.ForwardConfig.TargetGroupStickinessConfig.Enabled"].Should().Be("false");
            production["DefaultActions.member.2.Order"].Should().Be("2");

            (await Router.ResolveForwardAsync(ProductionDefault)).PrimaryTargetGroupArn.Should().Be(GreenTg);
            (await Router.ResolveForwardAsync(StageDefault)).PrimaryTargetGroupArn.Should().Be(BlueTg);
            _elb.DefaultActions(ProductionListener)[0].ToXml().Should().Be(new RuleAction(Stored(Oidc(1))).ToXml(), "the OIDC action is untouched");
        }

        [Fact]
        public async Task SwapAsync_ConditionalRules_ModifiesRulesAndLeavesConditionsAlone()
        {
            var (production, stage) = ConditionalRules();
            var conditionsBefore = _elb.RuleConditions(production.RuleArn!).Select(c => c.ToString()).ToArray();

            var changes = await Router.SwapAsync(production, stage);

            changes.Select(c => c.Operation).Should().Equal("ModifyRule", "ModifyRule");
            _elb.Modifications.Should().OnlyContain(call => call.Action == "ModifyRule" && call.Under("Conditions").Count == 0);
            _elb.Modifications[0]["RuleArn"].Should().Be(production.RuleArn);
            _elb.Modifications[0]["Actions.member.2.ForwardConfig.TargetGroupStickinessConfig.Enabled"].Should().Be("true");
            _elb.Modifications[0]["Actions.member.2.ForwardConfig.TargetGroupStickinessConfig.DurationSeconds"].Should().Be("3600");
            _elb.Modifications[0]["Actions.member.2.TargetGroupArn"].Should().Be(GreenTg, "ELBv2 reports a one-group ForwardConfig with TargetGroupArn too, and both must agree");
            _elb.RuleConditions(production.RuleArn!).Select(c => c.ToString()).Should().Equal(conditionsBefore);
            _elb.RuleActions(production.RuleArn!).Select(a => a.Type).Should().Equal("authenticate-oidc", "forward");
            _elb.RuleActions(production.RuleArn!)[1].ForwardTargetGroups.Should().Equal(new WeightedTargetGroup(GreenTg, 1));
            _elb.RuleActions(stage.RuleArn!)[0].ForwardTargetGroups.Should().Equal(new WeightedTargetGroup(BlueTg, 1));
            _elb.DefaultActions(ProductionListener).Single().Type.Should().Be("fixed-response");
        }

        [Fact]
        public async Task SwapAsync_DefaultRuleGivenByItsArn_UsesModifyListener()
        {
            DefaultRules();
            var production = new RouteRef(ProductionListener, FakeElb.DefaultRuleArn(ProductionListener));

            var changes = await Router.SwapAsync(production, StageDefault);

            changes.Select(c => c.Operation).Should().Equal("ModifyListener", "ModifyListener");
            _elb.Modifications[0]["ListenerArn"].Should().Be(ProductionListener);
        }

        [Fact]
        public async Task SwapAsync_TwiceWithExpectedGroups_SecondCallChangesNothing()
        {
            DefaultRules();

            var first = await Router.SwapAsync(ProductionDefault, StageDefault, BlueTg, GreenTg);
            var second = await Router.SwapAsync(ProductionDefault, StageDefault, BlueTg, GreenTg);

            first.Should().HaveCount(2);
            second.Should().BeEmpty();
            _elb.Modifications.Should().HaveCount(2);
            (await Router.ResolveForwardAsync(ProductionDefault)).PrimaryTargetGroupArn.Should().Be(GreenTg);
        }

        [Fact]
        public async Task SwapAsync_ResumedAfterOnlyProductionChanged_ChangesOnlyStage()
        {
            DefaultRules();
            _elb.SetDefaultActions(ProductionListener, Oidc(1), Forward(GreenTg, 2));

            var changes = await Router.SwapAsync(ProductionDefault, StageDefault, BlueTg, GreenTg);

            changes.Should().ContainSingle().Which.Route.Should().Be(StageDefault);
        }

        [Fact]
        public async Task SwapAsync_TwiceWithoutExpectedGroups_SwapsBack()
        {
            DefaultRules();

            await Router.SwapAsync(ProductionDefault, StageDefault);
            await Router.SwapAsync(ProductionDefault, StageDefault);

            _elb.Modifications.Should().HaveCount(4);
            (await Router.ResolveForwardAsync(ProductionDefault)).PrimaryTargetGroupArn.Should().Be(BlueTg);
        }

        [Fact]
        public async Task SwapAsync_ProductionForwardsToAForeignGroup_ThrowsConflictAndChangesNothing()
        {
            DefaultRules();
            _elb.SetDefaultActions(ProductionListener, Forward(OtherTg));

            var act = () => Router.SwapAsync(ProductionDefault, StageDefault, BlueTg, GreenTg);

            (await act.Should().ThrowAsync<TrafficRouterConflictException>()).Which.Message.Should().Contain(OtherTg);
            _elb.Modifications.Should().BeEmpty();
        }

        [Fact]
        public async Task SwapAsync_BothRoutesForwardToTheSameGroup_ThrowsConflict()
        {
            _elb.AddListener(ProductionListener, 443, Forward(BlueTg)).AddListener(StageListener, 8443, Forward(BlueTg));

            var act = () => Router.SwapAsync(ProductionDefault, StageDefault);

            await act.Should().ThrowAsync<TrafficRouterConflictException>().WithMessage("*nothing to swap*");
            _elb.Modifications.Should().BeEmpty();
        }

        [Fact]
        public async Task SwapAsync_StageChangeFails_ThrowsPartialChangeThatRestoresCleanly()
        {
            DefaultRules();
            var failure = new AwsApiException(HttpStatusCode.BadRequest, "InvalidConfigurationRequest", "The listener is being modified", "r-1", "elasticloadbalancing", "ModifyListener");

            var act = async () =>
            {
                await Router.SwapAsync(ProductionDefault, StageDefault, BlueTg, GreenTg);
            };
            _elb.Transport.Inspect += call =>
            {
                if (call.IsMutating && call["ListenerArn"] == StageListener && _elb.Modifications.Count == 2)
                {
                    throw failure;
                }
            };

            var error = (await act.Should().ThrowAsync<TrafficRouterPartialChangeException>()).Which;
            error.InnerException.Should().BeSameAs(failure);
            error.Changes.Select(c => c.Route).Should().Equal(ProductionDefault, StageDefault);

            var restored = new List<RouteChange>();
            foreach (var change in error.Changes.Reverse())
            {
                restored.AddRange(await Router.RestoreAsync(change));
            }

            restored.Should().ContainSingle("the failed stage change never happened").Which.Route.Should().Be(ProductionDefault);
            (await Router.ResolveForwardAsync(ProductionDefault)).PrimaryTargetGroupArn.Should().Be(BlueTg);
        }

        [Fact]
        public async Task SwapAsync_InvalidArguments_ThrowBeforeAnyCall()
        {
            DefaultRules();

            await Router.Invoking(r => r.SwapAsync(ProductionDefault, ProductionDefault)).Should().ThrowAsync<ArgumentException>();
            await Router.Invoking(r => r.SwapAsync(ProductionDefault, StageDefault, BlueTg, null)).Should().ThrowAsync<ArgumentException>();
            await Router.Invoking(r => r.SwapAsync(ProductionDefault, StageDefault, BlueTg, BlueTg)).Should().ThrowAsync<ArgumentException>();
            await Router.Invoking(r => r.SwapAsync(new RouteRef(ProductionListener, FakeElb.DefaultRuleArn(StageListener)), StageDefault))
                .Should().ThrowAsync<ArgumentException>().WithMessage("*does not belong to listener*");
            _elb.Transport.Calls.Should().BeEmpty();
        }
    }

    public class TheShiftTrafficAsyncMethod : TrafficRouterTests
    {
        [Fact]
        public async Task ShiftTrafficAsync_TenNinety_SetsWeightsKeepingStickinessAndOtherActions()
        {
            var (production, _) = ConditionalRules();

            var changes = await Router.ShiftTrafficAsync(production, BlueTg, GreenTg, newWeight: 10, oldWeight: 90);

            var call = _elb.Modifications.Single();
            call.Action.Should().Be("ModifyRule");
            call.Under("Actions.member.2.ForwardConfig.TargetGroups.").Should().Equal(
                Pair("Actions.member.2.ForwardConfig.TargetGroups.member.1.TargetGroupArn", BlueTg),
                Pair("Actions.member.2.ForwardConfig.TargetGroups.member.1.Weight", "90"),
                Pair("Actions.member.2.ForwardConfig.TargetGroups.member.2.TargetGroupArn", GreenTg),
                Pair("Actions.member.2.ForwardConfig.TargetGroups.member.2.Weight", "10"));
            call["Actions.member.2.ForwardConfig.TargetGroupStickinessConfig.Enabled"].Should().Be("true");
            call["Actions.member.2.ForwardConfig.TargetGroupStickinessConfig.DurationSeconds"].Should().Be("3600");
            call["Actions.member.2.TargetGroupArn"].Should().BeNull();
            call["Actions.member.1.Type"].Should().Be("authenticate-oidc");
            var change = changes.Should().ContainSingle().Subject;
            change.Before[1].ForwardTargetGroups.Should().Equal(new WeightedTargetGroup(BlueTg, 1));
            change.After[1].ForwardTargetGroups.Should().Equal(new WeightedTargetGroup(BlueTg, 90), new WeightedTargetGroup(GreenTg, 10));
            _elb.RuleConditions(production.RuleArn!).Should().HaveCount(2);
        }

        [Fact]
        public async Task ShiftTrafficAsync_PlainForwardDefaultRule_DropsTargetGroupArnForTheWeightedConfig()
        {
            _elb.AddListener(ProductionListener, 443, Forward(BlueTg));

            await Router.ShiftTrafficAsync(ProductionDefault, BlueTg, GreenTg, 25, 75);

            var call = _elb.Modifications.Single();
            call["DefaultActions.member.1.TargetGroupArn"].Should().BeNull("ELBv2 refuses TargetGroupArn beside several weighted groups");
            (await Router.ResolveForwardAsync(ProductionDefault)).TargetGroups.Should().Equal(new WeightedTargetGroup(BlueTg, 75), new WeightedTargetGroup(GreenTg, 25));
        }

        [Fact]
        public async Task ShiftTrafficAsync_SameWeightsAgain_MakesNoCall()
        {
            var (production, _) = ConditionalRules();

            await Router.ShiftTrafficAsync(production, BlueTg, GreenTg, 10, 90);
            var again = await Router.ShiftTrafficAsync(production, BlueTg, GreenTg, 10, 90);

            again.Should().BeEmpty();
            _elb.Modifications.Should().HaveCount(1);
        }

        [Fact]
        public async Task ShiftTrafficAsync_StepsThenSwap_EndsWithSingleForwards()
        {
            DefaultRules();
            foreach (var weight in new[] { 10, 25, 50, 100 })
            {
                await Router.ShiftTrafficAsync(ProductionDefault, BlueTg, GreenTg, weight, 100 - weight);
            }

            var swap = await Router.SwapAsync(ProductionDefault, StageDefault, BlueTg, GreenTg);

            swap.Select(c => c.Route).Should().Equal(ProductionDefault, StageDefault);
            (await Router.ResolveForwardAsync(ProductionDefault)).TargetGroups.Should().Equal(new WeightedTargetGroup(GreenTg, 1));
            (await Router.ResolveForwardAsync(StageDefault)).TargetGroups.Should().Equal(new WeightedTargetGroup(BlueTg, 1));
        }

        [Fact]
        public async Task ShiftTrafficAsync_RouteForwardsElsewhere_ThrowsConflict()
        {
            _elb.AddListener(ProductionListener, 443, Forward(OtherTg));

            var act = () => Router.ShiftTrafficAsync(ProductionDefault, BlueTg, GreenTg, 10, 90);

            await act.Should().ThrowAsync<TrafficRouterConflictException>();
            _elb.Modifications.Should().BeEmpty();
        }

        [Theory]
        [InlineData(1000, 0)]
        [InlineData(0, 1000)]
        [InlineData(-1, 10)]
        [InlineData(10, -1)]
        [InlineData(0, 0)]
        public async Task ShiftTrafficAsync_InvalidWeights_ThrowBeforeAnyCall(int newWeight, int oldWeight)
        {
            _elb.AddListener(ProductionListener, 443, Forward(BlueTg));

            var act = () => Router.ShiftTrafficAsync(ProductionDefault, BlueTg, GreenTg, newWeight, oldWeight);

            await act.Should().ThrowAsync<ArgumentException>();
            _elb.Transport.Calls.Should().BeEmpty();
        }

        [Fact]
        public async Task ShiftTrafficAsync_EdgeWeights_AreAccepted()
        {
            _elb.AddListener(ProductionListener, 443, Forward(BlueTg));

            await Router.ShiftTrafficAsync(ProductionDefault, BlueTg, GreenTg, 999, 0);

            (await Router.ResolveForwardAsync(ProductionDefault)).PrimaryTargetGroupArn.Should().Be(GreenTg);
        }
    }

    public class TheRestoreAsyncMethod : TrafficRouterTests
    {
        [Fact]
        public async Task RestoreAsync_RouteUnchangedSinceTheSwap_PutsBackTheExactActions()
        {
            var (production, stage) = ConditionalRules();
            var before = _elb.RuleActions(production.RuleArn!).Select(a => a.ToXml()).ToArray();
            var changes = await Router.SwapAsync(production, stage);

            var restored = await Router.RestoreAsync(changes[0]);

            restored.Should().ContainSingle().Which.After.Select(a => a.ToXml()).Should().Equal(before);
            _elb.RuleActions(production.RuleArn!).Select(a => a.ToXml()).Should().Equal(before);
            _elb.Modifications[^1]["Actions.member.1.AuthenticateOidcConfig.UseExistingClientSecret"].Should().Be("true");
        }

        [Fact]
        public async Task RestoreAsync_AlreadyRestored_MakesNoCall()
        {
            DefaultRules();
            var changes = await Router.SwapAsync(ProductionDefault, StageDefault);
            await Router.RestoreAsync(changes[0]);

            var again = await Router.RestoreAsync(changes[0]);

            again.Should().BeEmpty();
            _elb.Modifications.Should().HaveCount(3);
        }

        [Fact]
        public async Task RestoreAsync_RouteChangedBySomeoneElse_ThrowsConflictAndChangesNothing()
        {
            DefaultRules();
            var changes = await Router.SwapAsync(ProductionDefault, StageDefault);
            _elb.SetDefaultActions(ProductionListener, Forward(OtherTg));

            var act = () => Router.RestoreAsync(changes[0]);

            (await act.Should().ThrowAsync<TrafficRouterConflictException>()).Which.Message.Should().Contain("someone else").And.Contain(OtherTg);
            _elb.Modifications.Should().HaveCount(2);
            (await Router.ResolveForwardAsync(ProductionDefault)).PrimaryTargetGroupArn.Should().Be(OtherTg);
        }

        [Fact]
        public async Task RestoreAsync_ChangeSavedAsXml_RestoresAfterAReload()
        {
            DefaultRules();
            var change = (await Router.SwapAsync(ProductionDefault, StageDefault))[0];
            var saved = (change.Before.Select(a => a.ToXml()).ToArray(), change.After.Select(a => a.ToXml()).ToArray());

            var reloaded = new RouteChange(change.Route, change.Operation, change.ResourceArn, saved.Item1.Select(RuleAction.Parse).ToArray(), saved.Item2.Select(RuleAction.Parse).ToArray());
            var restored = await Router.RestoreAsync(reloaded);

            restored.Should().ContainSingle();
            (await Router.ResolveForwardAsync(ProductionDefault)).PrimaryTargetGroupArn.Should().Be(BlueTg);
        }
    }

    public class TheHealthMethods : TrafficRouterTests
    {
        [Fact]
        public async Task IsHealthyAsync_EveryInstanceHealthy_IsTrue()
        {
            _elb.AddTarget(GreenTg, "i-1", "healthy").AddTarget(GreenTg, "i-2", "healthy").AddTarget(GreenTg, "i-other", "unhealthy", "Target.Timeout");

            (await Router.IsHealthyAsync(GreenTg, ["i-1", "i-2"])).Should().BeTrue();
        }

        [Fact]
        public async Task IsHealthyAsync_OneInstanceUnhealthy_IsFalseAndTheDetailsSayWhy()
        {
            _elb.AddTarget(GreenTg, "i-1", "healthy").AddTarget(GreenTg, "i-2", "unhealthy", "Target.FailedHealthChecks");

            (await Router.IsHealthyAsync(GreenTg, ["i-1", "i-2"])).Should().BeFalse();
            var health = await Router.GetHealthAsync(GreenTg, ["i-1", "i-2"]);
            health.IsHealthy.Should().BeFalse();
            health.Unhealthy.Should().ContainSingle().Which.Should().Be(new TargetHealthDescription("i-2", 80, "unhealthy", "Target.FailedHealthChecks", "Health checks failed"));
        }

        [Fact]
        public async Task GetHealthAsync_InstanceNotRegistered_IsReportedAsNotRegistered()
        {
            _elb.AddTarget(GreenTg, "i-1", "healthy");

            var health = await Router.GetHealthAsync(GreenTg, ["i-1", "i-missing"]);

            health.IsHealthy.Should().BeFalse();
            health.Targets.Select(t => (t.TargetId, t.State, t.Reason)).Should().Equal(("i-1", "healthy", null), ("i-missing", "unused", "Target.NotRegistered"));
        }

        [Fact]
        public async Task GetHealthAsync_InstanceOnTwoPortsOneDraining_IsNotHealthy()
        {
            _elb.AddTarget(GreenTg, "i-1", "healthy", port: 80).AddTarget(GreenTg, "i-1", "draining", "Target.DeregistrationInProgress", port: 8080);

            (await Router.GetHealthAsync(GreenTg, ["i-1"])).IsHealthy.Should().BeFalse();
        }

        [Fact]
        public async Task IsHealthyAsync_NoInstances_ThrowsBeforeAnyCall()
        {
            await Router.Invoking(r => r.IsHealthyAsync(GreenTg, [])).Should().ThrowAsync<ArgumentException>();
            _elb.Transport.Calls.Should().BeEmpty();
        }
    }

    private static XElement Stored(XElement action) => XElement.Parse(FakeElbStored(action));

    private static string FakeElbStored(XElement action)
    {
        // The OIDC action as the fake stores it: re-namespaced, unchanged otherwise.
        var elb = new FakeElb().AddListener(ProductionListener, 443, action);
        return elb.DefaultActions(ProductionListener)[0].ToXml();
    }

    private static KeyValuePair<string, string> Pair(string key, string value) => new(key, value);
}
