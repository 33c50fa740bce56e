using System.Collections.Concurrent;
using System.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Backup.Plugins.Aws.Tests.Support;

/// <summary>A loopback AWS STS that answers AssumeRoleWithWebIdentity (the IRSA call) with fixed credentials.</summary>
/// <remarks>The SDK reaches it through <c>AWS_ENDPOINT_URL_STS</c>, exactly as it would reach a VPC endpoint.</remarks>
public sealed class StsStub : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary>The base address, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string Address { get; private set; } = "";

    /// <summary>The form fields of every request received.</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> Requests { get; } = new();

    /// <summary>The access key id handed out.</summary>
    public string AccessKeyId { get; set; } = S3Emulators.AccessKey;

    /// <summary>The secret access key handed out.</summary>
    public string SecretAccessKey { get; set; } = S3Emulators.SecretKey;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/", (Delegate)Serve);
        await _app.StartAsync();
        Address = _app.Urls.Single();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task<IResult> Serve(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync();
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString());
        Requests.Enqueue(fields);
        if (fields.GetValueOrDefault("Action") != "AssumeRoleWithWebIdentity")
        {
            return Results.Content(Error("InvalidAction", "only AssumeRoleWithWebIdentity is stubbed"), "text/xml", statusCode: 400);
        }

        var session = SecurityElement.Escape(fields.GetValueOrDefault("RoleSessionName", "session"));
        var expiration = DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        return Results.Content($"""
            <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleWithWebIdentityResult>
                <SubjectFromWebIdentityToken>system:serviceaccount:backup:backup</SubjectFromWebIdentityToken>
                <Audience>sts.amazonaws.com</Audience>
                <AssumedRoleUser>
                  <Arn>arn:aws:sts::123456789012:assumed-role/backup/{session}</Arn>
                  <AssumedRoleId>AROAEXAMPLE:{session}</AssumedRoleId>
                </AssumedRoleUser>
                <Credentials>
                  <SessionToken>stub-session-token</SessionToken>
                  <SecretAccessKey>{SecretAccessKey}</SecretAccessKey>
                  <Expiration>{expiration}</Expiration>
                  <AccessKeyId>{AccessKeyId}</AccessKeyId>
                </Credentials>
                <Provider>oidc.eks.example</Provider>
              </AssumeRoleWithWebIdentityResult>
              <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
            </AssumeRoleWithWebIdentityResponse>
            """, "text/xml");
    }

    private static string Error(string code, string message) =>
        $"""<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>0</RequestId></ErrorResponse>""";
}
