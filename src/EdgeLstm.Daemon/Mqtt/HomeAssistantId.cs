namespace EdgeLstm.Daemon.Mqtt;

/// <summary>
/// Ids for Home Assistant discovery: node ids, object ids and unique_id may only hold
/// [A-Za-z0-9_-] (https://www.home-assistant.io/integrations/mqtt/#discovery-topic), so every
/// other character (a dot in `pi.lab`, say) becomes '_'. Entity ids are stricter (lower case, no '-').
/// </summary>
public static class HomeAssistantId
{
    /// <summary>The name with every character outside [A-Za-z0-9_-] replaced by '_'; "_" for an empty name.</summary>
    public static string Of(string name)
    {
        if (name.Length == 0) return "_";
        return string.Create(name.Length, name, static (span, s) =>
        {
            for (int i = 0; i < s.Length; i++)
                span[i] = char.IsAsciiLetterOrDigit(s[i]) || s[i] is '_' or '-' ? s[i] : '_';
        });
    }

    /// <summary>An entity id's object part (after "sensor."): lower case, '-' as '_'.</summary>
    public static string Entity(string id) => id.ToLowerInvariant().Replace('-', '_');
}
