using Tinyfence.Proc;

namespace Tinyfence.Tests.Proc;

public class ProcessFilterTests
{
    [Theory]
    [InlineData('R', ProcessStates.Running)]
    [InlineData('S', ProcessStates.Sleeping)]
    [InlineData('D', ProcessStates.Uninterruptible)]
    [InlineData('T', ProcessStates.Stopped)]
    [InlineData('t', ProcessStates.Stopped)]      // tracing stop (2.6.33+), sysfence's "traced"
    [InlineData('Z', ProcessStates.Zombie)]
    [InlineData('I', ProcessStates.None)]         // idle kernel thread (4.14+)
    [InlineData('X', ProcessStates.None)]
    [InlineData('P', ProcessStates.None)]
    [InlineData('W', ProcessStates.None)]
    [InlineData('r', ProcessStates.None)]         // letters are case-sensitive
    public void MapsEachStateLetter(char letter, ProcessStates expected) =>
        Assert.Equal(expected, ProcessFilter.StateOf((byte)letter));

    [Theory]
    [InlineData(ProcessStates.Any)]
    [InlineData(ProcessStates.None)]
    public void AnyOrNoStateMatchesEveryLetterIncludingUnnamedOnes(ProcessStates states)
    {
        var filter = new ProcessFilter([], states);
        Assert.False(filter.HasStates);
        Assert.False(filter.HasUsers);
        foreach (char letter in "RSDTtZIXP")
        {
            Assert.True(filter.MatchesState((byte)letter));
        }
    }

    [Fact]
    public void AStateListMatchesOnlyItsStates()
    {
        var filter = new ProcessFilter([], ProcessStates.Uninterruptible | ProcessStates.Zombie);
        Assert.True(filter.HasStates);
        Assert.True(filter.MatchesState((byte)'D'));
        Assert.True(filter.MatchesState((byte)'Z'));
        Assert.False(filter.MatchesState((byte)'R'));
        Assert.False(filter.MatchesState((byte)'S'));
        Assert.False(filter.MatchesState((byte)'I'));
    }

    [Fact]
    public void AUserListMatchesOnlyItsUidsAndDropsDuplicates()
    {
        var filter = new ProcessFilter([33, 0, 33], ProcessStates.Any);
        Assert.True(filter.HasUsers);
        Assert.Equal([33u, 0u], filter.Uids.ToArray());
        Assert.True(filter.MatchesUser(33));
        Assert.True(filter.MatchesUser(0));
        Assert.False(filter.MatchesUser(1000));
    }

    [Fact]
    public void MatchesNeedsBothUserAndState()
    {
        var filter = new ProcessFilter([33], ProcessStates.Zombie);
        Assert.True(filter.Matches(33, (byte)'Z'));
        Assert.False(filter.Matches(33, (byte)'S'));
        Assert.False(filter.Matches(0, (byte)'Z'));
    }

    [Fact]
    public void BitsOutsideTheFiveStatesAreIgnored()
    {
        var filter = new ProcessFilter([], (ProcessStates)64);
        Assert.Equal(ProcessStates.Any, filter.States);
    }
}
