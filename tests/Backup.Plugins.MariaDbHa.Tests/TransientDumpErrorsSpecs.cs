namespace Backup.Plugins.MariaDbHa.Tests;

public sealed class TransientDumpErrorsSpecs
{
    [Theory]
    [InlineData("mariadb-dump: Error 1412: Table definition has changed, please retry transaction when dumping table `t` at row: 0", true)]
    [InlineData("mariadb-dump: Couldn't execute 'show create table `t`': Table 'shop.t' doesn't exist (1146)", true)]
    [InlineData("mariadb-dump: Got error: 1049: \"Unknown database 'shop'\" when selecting the database", true)]
    [InlineData("mariadb-dump: Error 1213: Deadlock found when trying to get lock; try restarting transaction", true)]
    [InlineData("mariadb-dump: Got error: 1205: \"Lock wait timeout exceeded\" when using LOCK TABLES", true)]
    [InlineData("mariadb-dump: Error 2013: Lost connection to server during query when dumping table `t` at row: 0", false)]
    [InlineData("mariadb-dump: Got error: 1044: \"Access denied for user 'u'@'%' to database 'd'\" when selecting the database", false)]
    [InlineData("mariadb-dump: Got error: 1047: \"WSREP has not yet prepared node for application use\" when using LOCK TABLES", false)]
    [InlineData("no error output", false)]
    public void Only_races_with_another_session_count_as_transient(string stderr, bool transient) =>
        TransientDumpErrors.AreIn(stderr).Should().Be(transient);
}
