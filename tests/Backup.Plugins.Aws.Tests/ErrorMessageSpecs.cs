using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Backup.Abstractions;
using Backup.Plugins.Aws.Tests.Support;

namespace Backup.Plugins.Aws.Tests;

/// <summary>The one-line messages for errors the emulators cannot produce (s3rver does not check SigV4 signatures; neither denies access).</summary>
public sealed class ErrorMessageSpecs
{
    private readonly S3Errors _errors = new(AwsSettings.Read(S3Emulators.Fauxqs().ToSettings()));

    [Theory]
    [InlineData("SignatureDoesNotMatch", "credentials rejected (SignatureDoesNotMatch) while trying to upload db/x.tar.gz in bucket 'backups'")]
    [InlineData("ExpiredToken", "credentials rejected (ExpiredToken) while trying to upload db/x.tar.gz in bucket 'backups'")]
    [InlineData("AccessDenied", "access denied: upload db/x.tar.gz in bucket 'backups'")]
    [InlineData("NoSuchBucket", "bucket 'backups' does not exist (upload db/x.tar.gz")]
    public void A_service_error_becomes_one_line_naming_bucket_and_key(string code, string expected)
    {
        var error = new AmazonS3Exception("The request signature we calculated does not match.\nStringToSign: AWS4-HMAC-SHA256 secret-ish", ErrorType.Sender, code, "req", HttpStatusCode.Forbidden);

        var translated = _errors.Translate(error, "upload", "db/x.tar.gz");

        translated.Should().BeOfType<BackupStorageException>();
        translated.Message.Should().StartWith("aws storage: ").And.Contain(expected).And.NotContain("\n").And.NotContain("StringToSign");
    }

    [Fact]
    public void An_unexpected_service_error_keeps_its_code_and_status_on_one_line()
    {
        var error = new AmazonS3Exception("Slow down\nplease", ErrorType.Receiver, "SlowDown", "req", HttpStatusCode.ServiceUnavailable);

        _errors.Translate(error, "upload", "k").Message.Should()
            .Be("aws storage: upload k failed (bucket 'backups', key 'k', http://127.0.0.1:14900): SlowDown (HTTP 503): Slow down please".Replace("http://127.0.0.1:14900", new Uri(S3Emulators.FauxqsUrl).GetLeftPart(UriPartial.Authority)));
    }

    [Fact]
    public void A_socket_error_names_the_endpoint()
    {
        var error = new HttpRequestException("Connection refused (127.0.0.1:1)", new SocketException((int)SocketError.ConnectionRefused));

        _errors.Translate(error, "list", "db/*").Message.Should().StartWith("aws storage: cannot reach http://127.0.0.1:").And.Contain("to list db/* in bucket 'backups'");
    }
}
