using SmimeGraph.Graph;

namespace SmimeGraph.Tests.Graph;

public class GraphMailboxTests
{
    [Theory]
    [InlineData("me")]
    [InlineData("ME")]
    [InlineData(" me ")]
    public void Me_is_the_signed_in_user(string value)
    {
        GraphMailbox mailbox = GraphMailbox.Parse(value);

        Assert.Same(GraphMailbox.Me, mailbox);
        Assert.True(mailbox.IsMe);
        Assert.Equal("me", mailbox.PathSegment);
    }

    [Theory]
    [InlineData("alice@contoso.com", "users/alice%40contoso.com")]
    [InlineData("87d349ed-44d7-43e1-9a83-5f2406dee5bd", "users/87d349ed-44d7-43e1-9a83-5f2406dee5bd")]
    [InlineData("a/b?c#d", "users/a%2Fb%3Fc%23d")]
    public void Users_are_escaped_into_one_path_segment(string user, string segment)
    {
        GraphMailbox mailbox = GraphMailbox.ForUser(user);

        Assert.Equal(segment, mailbox.PathSegment);
        Assert.Equal(user, mailbox.ToString());
        Assert.False(mailbox.IsMe);
    }

    [Fact]
    public void User_principal_names_compare_case_insensitively()
    {
        Assert.Equal(GraphMailbox.ForUser("Alice@Contoso.com"), GraphMailbox.ForUser("alice@contoso.com"));
        Assert.Equal(GraphMailbox.ForUser("Alice@Contoso.com").GetHashCode(), GraphMailbox.ForUser("alice@contoso.com").GetHashCode());
        Assert.NotEqual(GraphMailbox.Me, GraphMailbox.ForUser("alice@contoso.com"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("alice@contoso.com\r\nX-Injected: 1")]
    [InlineData("a\0b")]
    public void Empty_or_control_characters_are_refused(string user) =>
        Assert.ThrowsAny<ArgumentException>(() => GraphMailbox.ForUser(user));
}
