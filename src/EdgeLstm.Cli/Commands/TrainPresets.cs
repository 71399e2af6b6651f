namespace EdgeLstm.Cli.Commands;

/// <summary>
/// Named training recipes for `train --preset NAME`: the options that made a shipped model, so
/// that a fresh clone regenerates it with one short command (models/README.md). A preset is only
/// a list of options; any option the user types explicitly replaces the preset's.
/// </summary>
internal static class TrainPresets
{
    private static readonly Dictionary<string, string[]> Recipes = new()
    {
        // models/default.elstm: the recipe chosen in docs/experiments.md.
        ["default"] =
        [
            "--dataset", "hapt", "--cell", "lstm", "--hidden", "64", "--layers", "2", "--epochs", "20", "--patience", "0",
            "--validation", "0", "--seed", "1", "--aug-shift", "32", "--aug-scale", "0.1", "--aug-rotate", "10", "--aug-noise", "0.05",
            "--label-steps", "64", "--model-hop", "16",
        ],
    };

    public static IEnumerable<string> Names => Recipes.Keys;

    /// <summary>The preset's options the user did not type, followed by what the user typed (without --preset).</summary>
    public static string[] Expand(string name, IReadOnlyList<string> typed)
    {
        var user = new List<string>();
        for (int i = 0; i < typed.Count; i++)
        {
            if (typed[i] == "--preset") { i++; continue; }
            if (typed[i].StartsWith("--preset=", StringComparison.Ordinal)) continue;
            user.Add(typed[i]);
        }
        var given = user.Where(t => t.StartsWith('-')).Select(t => t.Split('=')[0]).ToHashSet(StringComparer.Ordinal);
        var recipe = Recipes[name];
        var result = new List<string>();
        for (int i = 0; i < recipe.Length; i += 2)
            if (!given.Contains(recipe[i])) result.AddRange([recipe[i], recipe[i + 1]]);
        // --train and --dataset exclude each other: the user's data replaces the preset's.
        if (given.Contains("--train")) RemoveOption(result, "--dataset");
        result.AddRange(user);
        return [.. result];
    }

    private static void RemoveOption(List<string> tokens, string option)
    {
        int at = tokens.IndexOf(option);
        if (at >= 0) tokens.RemoveRange(at, 2);
    }
}
