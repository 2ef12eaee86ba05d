using Spot.Deploy.Planning;

namespace Spot.Deploy.Planning.Tests;

public class RevisionNameTests
{
    public class TheTryParseMethod
    {
        [Theory]
        [InlineData("app__1", 1)]
        [InlineData("app__7", 7)]
        [InlineData("app__10", 10)]
        [InlineData("app__007", 7)]
        [InlineData("app__2147483646", 2147483646)]
        public void TryParse_ExactRevisionName_ReturnsNumber(string name, int number)
        {
            RevisionName.TryParse("app", name, out var revision).Should().BeTrue();
            revision.Should().Be(number);
        }

        [Theory]
        [InlineData("app")]
        [InlineData("app__")]
        [InlineData("app_1")]
        [InlineData("app___1")]
        [InlineData("app__1a")]
        [InlineData("app__a1")]
        [InlineData("app__-1")]
        [InlineData("app__+1")]
        [InlineData("app__ 1")]
        [InlineData("app__1 ")]
        [InlineData(" app__1")]
        [InlineData("App__1")]
        [InlineData("apps__1")]
        [InlineData("xapp__1")]
        [InlineData("app__1__2")]
        [InlineData("app__STAGE")]
        [InlineData("app__١")] // Arabic-Indic digit one: not an ASCII digit
        [InlineData("app__2147483647")]
        [InlineData("app__99999999999999999999")]
        [InlineData(null)]
        public void TryParse_AnythingElse_IsNotARevision(string? name)
        {
            RevisionName.TryParse("app", name, out var revision).Should().BeFalse();
            revision.Should().Be(0);
        }

        [Fact]
        public void TryParse_AppNameWithSeparator_MatchesOnlyItsOwnRevisions()
        {
            RevisionName.IsRevisionOf("web__3", "web__3__4").Should().BeTrue();
            RevisionName.IsRevisionOf("web", "web__3__4").Should().BeFalse();
            RevisionName.IsRevisionOf("web", "web__3").Should().BeTrue();
        }

        [Fact]
        public void TryParse_NullAppName_Throws()
        {
            var act = () => RevisionName.TryParse(null!, "a__1", out _);

            act.Should().Throw<ArgumentNullException>();
        }
    }

    public class TheFormatMethod
    {
        [Fact]
        public void Format_WritesAppAndNumber()
        {
            RevisionName.Format("app", 12).Should().Be("app__12");
        }

        [Theory]
        [InlineData(0)]
        [InlineData(-1)]
        [InlineData(int.MaxValue)]
        public void Format_NumberOutOfRange_Throws(int number)
        {
            var act = () => RevisionName.Format("app", number);

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("Revision");
        }

        [Fact]
        public void Format_ThenTryParse_RoundTrips()
        {
            foreach (var n in new[] { 1, 9, 10, 99, 100, RevisionName.MaxRevision })
            {
                RevisionName.TryParse("a-b.c", RevisionName.Format("a-b.c", n), out var back).Should().BeTrue();
                back.Should().Be(n);
            }
        }
    }

    public class TheAppNameValidateMethod
    {
        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData(" app")]
        [InlineData("app ")]
        [InlineData("ap\tp")]
        [InlineData("app\n")]
        public void Validate_UnusableName_ThrowsOnAppName(string? name)
        {
            var act = () => AppName.Validate(name);

            act.Should().Throw<DeploymentValidationException>().Which.Field.Should().Be("AppName");
        }

        [Theory]
        [InlineData("app")]
        [InlineData("my app")]
        [InlineData("web__3")]
        [InlineData("a")]
        public void Validate_UsableName_DoesNotThrow(string name)
        {
            var act = () => AppName.Validate(name);

            act.Should().NotThrow();
        }
    }
}
