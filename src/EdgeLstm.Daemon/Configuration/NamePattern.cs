namespace EdgeLstm.Daemon.Configuration;

/// <summary>Stream name patterns of the configuration: '*' matches any run of characters, the rest literally.</summary>
public static class NamePattern
{
    public static bool Matches(string pattern, string name) => Match(pattern.AsSpan(), name.AsSpan());

    private static bool Match(ReadOnlySpan<char> p, ReadOnlySpan<char> s)
    {
        while (!p.IsEmpty && p[0] != '*')
        {
            if (s.IsEmpty || p[0] != s[0]) return false;
            p = p[1..];
            s = s[1..];
        }
        if (p.IsEmpty) return s.IsEmpty;
        p = p.TrimStart('*');
        if (p.IsEmpty) return true;
        for (int i = 0; i <= s.Length; i++) if (Match(p, s[i..])) return true;
        return false;
    }
}
