using System.Text;

namespace Backup.Host.Tests.Support;

/// <summary>Deterministic dump-like test data: compressible text with some noise.</summary>
internal static class TestData
{
    /// <summary>Returns <paramref name="length"/> bytes of SQL-ish lines.</summary>
    public static byte[] Dump(int length, int seed = 1)
    {
        var random = new Random(seed);
        var text = new StringBuilder(length + 200);
        while (text.Length < length)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"INSERT INTO t VALUES ({random.Next()},'{Convert.ToHexString(BitConverter.GetBytes(random.NextInt64()))}','row');\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString(0, length));
    }
}
