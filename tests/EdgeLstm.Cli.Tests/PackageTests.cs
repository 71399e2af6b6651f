using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.RegularExpressions;

namespace EdgeLstm.Cli.Tests;

/// <summary>
/// The packages publish.sh builds (dist/packages/): the .deb installs to conventional paths with
/// the configuration as a conffile and maintainer scripts; declares Depends from its ELF files and
/// Recommends libssl; ships a manual page that renders, a machine-readable copyright file, a
/// changelog, the docs with working links and a minimal configuration that passes `--check` as
/// installed; and lintian finds nothing beyond the package's own overrides. The tarball holds the
/// same files flat; the arm64 package's binary runs under qemu-aarch64 through its /usr/bin symlink.
/// </summary>
public partial class PackageTests
{
    private static readonly ConcurrentDictionary<string, string> Roots = new();

    private static string Package(string name)
    {
        string path = Path.Combine(CliProcess.RepoRoot, "dist", "packages", name);
        Assert.True(File.Exists(path), $"{path} is missing: run ./publish.sh (test.sh does)");
        return path;
    }

    private static string Version =>
        Regex.Match(File.ReadAllText(Path.Combine(CliProcess.RepoRoot, "Directory.Build.props")), "<Version>([^<]+)</Version>").Groups[1].Value;

    private static string Deb(string arch) => Package($"edgelstm_{Version}_{arch}.deb");

    /// <summary>The .deb's files, extracted once per architecture with `dpkg-deb -x` into a temporary root.</summary>
    private static string Root(string arch) => Roots.GetOrAdd(arch, a =>
    {
        string root = Directory.CreateTempSubdirectory($"edgelstm-deb-{a}").FullName;
        var x = CliProcess.RunExecutable("dpkg-deb", ["-x", Deb(a), root]);
        Assert.True(x.ExitCode == 0, $"dpkg-deb -x: {x.StdErr}");
        return root;
    });

    /// <summary>Runs the packaged binary of ARCH from its extracted root (arm64 under qemu-aarch64).</summary>
    private static ProcessResult RunPackaged(string arch, params string[] args)
    {
        string binary = Path.Combine(Root(arch), "usr/lib/edgelstm/edgelstm");
        return arch == "amd64"
            ? CliProcess.RunExecutable(binary, args)
            : CliProcess.RunExecutable("qemu-aarch64", [binary, .. args], new Dictionary<string, string> { ["QEMU_LD_PREFIX"] = "/usr/aarch64-linux-gnu" });
    }

    private static string Gunzip(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        return reader.ReadToEnd();
    }

    [Theory]
    [InlineData("amd64")]
    [InlineData("arm64")]
    public void Deb_installs_to_conventional_paths(string arch)
    {
        string deb = Deb(arch);
        var contents = CliProcess.RunExecutable("dpkg-deb", ["-c", deb]);
        Assert.True(contents.ExitCode == 0, contents.StdErr);
        foreach (var path in new[]
                 {
                     "./usr/lib/edgelstm/edgelstm", "./usr/bin/edgelstm -> ../lib/edgelstm/edgelstm",
                     "./lib/systemd/system/edgelstm.service", "./lib/udev/rules.d/99-edgelstm.rules",
                     "./etc/edgelstm/edgelstm.json",
                     "./usr/share/man/man1/edgelstm.1.gz",
                     "./usr/share/doc/edgelstm/copyright", "./usr/share/doc/edgelstm/changelog.gz",
                     "./usr/share/doc/edgelstm/THIRD-PARTY-NOTICES", "./usr/share/doc/edgelstm/THIRD-PARTY-NOTICES.dotnet-runtime.gz",
                     "./usr/share/doc/edgelstm/README.md", "./usr/share/doc/edgelstm/operations.md", "./usr/share/doc/edgelstm/pipeline.md",
                     "./usr/share/doc/edgelstm/examples/edgelstm.full.json",
                     "./usr/share/lintian/overrides/edgelstm",
                 })
        {
            Assert.True(contents.StdOut.Contains(path, StringComparison.Ordinal), $"{path} is not in the {arch} package");
        }
        Assert.Contains("-rwxr-xr-x root/root", contents.StdOut.Split('\n').Single(l => l.EndsWith("./usr/lib/edgelstm/edgelstm", StringComparison.Ordinal)));

        var control = CliProcess.RunExecutable("dpkg-deb", ["-f", deb, "Package", "Architecture", "Version"]);
        Assert.Equal($"Package: edgelstm\nArchitecture: {arch}\nVersion: {Version}\n", control.StdOut);

        string meta = Directory.CreateTempSubdirectory("edgelstm-deb-control").FullName;
        Assert.Equal(0, CliProcess.RunExecutable("dpkg-deb", ["-e", deb, meta]).ExitCode);
        foreach (var script in new[] { "postinst", "prerm", "postrm", "md5sums" })
            Assert.True(File.Exists(Path.Combine(meta, script)), $"{script} missing");
        Assert.Equal("/etc/edgelstm/edgelstm.json", File.ReadAllText(Path.Combine(meta, "conffiles")).Trim());
    }

    /// <summary>
    /// Depends as the binary's NEEDED entries ask (libc6 with the newest GLIBC_ version it uses):
    /// the package's value is what scripts/shlibdeps.sh's fixed table gives for the published files,
    /// which on amd64 also proves the table agrees with dpkg-shlibdeps (which made the amd64 value).
    /// Recommends libssl, which .NET loads with dlopen for MQTT over TLS.
    /// </summary>
    [Theory]
    [InlineData("amd64")]
    [InlineData("arm64")]
    public void Deb_depends_on_what_its_ELF_files_need_and_recommends_libssl(string arch)
    {
        var fields = CliProcess.RunExecutable("dpkg-deb", ["-f", Deb(arch), "Depends", "Recommends"]);
        Assert.True(fields.ExitCode == 0, fields.StdErr);
        string depends = Regex.Match(fields.StdOut, @"^Depends: (.*)$", RegexOptions.Multiline).Groups[1].Value;
        string recommends = Regex.Match(fields.StdOut, @"^Recommends: (.*)$", RegexOptions.Multiline).Groups[1].Value;
        Assert.Matches(@"^libc6 \(>= 2\.\d+\)$", depends);
        Assert.True(recommends.Split('|').Select(p => p.Trim()).Contains("libssl3"), $"Recommends '{recommends}' does not name libssl3");

        string lib = Path.Combine(Root(arch), "usr/lib/edgelstm");
        var table = CliProcess.RunExecutable(Path.Combine(CliProcess.RepoRoot, "scripts/shlibdeps.sh"),
            ["--table", arch, .. Directory.GetFiles(lib).Order(StringComparer.Ordinal)]);
        Assert.True(table.ExitCode == 0, table.StdErr);
        Assert.True(table.StdOut.Trim() == depends, $"the {arch} package says Depends: {depends}; its ELF files' NEEDED entries give {table.StdOut.Trim()}");
    }

    [GeneratedRegex(@"^[^\s:]+:")]
    private static partial Regex FieldStart();

    /// <summary>
    /// /usr/share/doc/edgelstm/copyright is DEP-5: the Format line, a Files stanza for the project
    /// and each linked component, each with Copyright and License, and every license name it uses
    /// given its text in a stanza or standalone License paragraph.
    /// </summary>
    [Fact]
    public void Copyright_file_is_machine_readable()
    {
        string text = File.ReadAllText(Path.Combine(Root("amd64"), "usr/share/doc/edgelstm/copyright"));
        Assert.Equal(text, File.ReadAllText(Path.Combine(Root("arm64"), "usr/share/doc/edgelstm/copyright")));
        var stanzas = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Fields).ToList();
        Assert.True(stanzas[0].GetValueOrDefault("Format") == "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
            "the header stanza does not start with the DEP-5 Format: line");

        var files = stanzas.Where(s => s.ContainsKey("Files")).ToList();
        Assert.True(files.Count >= 2, "fewer than two Files: stanzas");
        Assert.True(files[0]["Files"] == "*", "the first Files: stanza is not the project's (Files: *)");
        foreach (var s in files)
        {
            Assert.True(s.ContainsKey("Copyright") && s["Copyright"].Length > 0, $"Files: {s["Files"]} has no Copyright:");
            Assert.True(s.ContainsKey("License") && s["License"].Length > 0, $"Files: {s["Files"]} has no License:");
        }
        Assert.True(files[0]["License"] == "Apache-2.0", "the project's licence is not Apache-2.0");

        // Each license name of a Files stanza has its text: inline (more lines) or a standalone paragraph.
        var defined = stanzas.Where(s => !s.ContainsKey("Files") && s.ContainsKey("License") && s["License"].Contains('\n', StringComparison.Ordinal))
            .Select(s => s["License"].Split('\n')[0].Trim()).ToHashSet(StringComparer.Ordinal);
        foreach (var s in files.Where(s => !s["License"].Contains('\n', StringComparison.Ordinal)))
            foreach (string name in Regex.Split(s["License"], @"\s+(?:and|or)\s+"))
                Assert.True(defined.Contains(name), $"License {name} (Files: {s["Files"]}) has no text in the copyright file");

        // The linked components of THIRD-PARTY-NOTICES.
        string allFiles = string.Join("\n", files.Select(s => s["Files"]));
        foreach (var component in new[] { "nuget/microsoft.dotnet.ilcompiler/*", "nuget/system.io.ports/*", "nuget/microsoft.extensions.*/*",
                                           "nuget/system.commandline/*", "nuget/mqttnet/*", "nuget/google.protobuf/*", "libz.a", "models/*" })
            Assert.True(allFiles.Contains(component, StringComparison.Ordinal), $"no Files: stanza covers {component}");
    }

    /// <summary>A deb822 stanza's fields; continuation lines (leading space) join their field with newlines.</summary>
    private static Dictionary<string, string> Fields(string stanza)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        string? last = null;
        foreach (string line in stanza.Split('\n'))
        {
            if (line.StartsWith(' ') && last is not null) fields[last] += "\n" + line.Trim();
            else if (FieldStart().IsMatch(line))
            {
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                last = line[..colon];
                Assert.False(fields.ContainsKey(last), $"field {last} twice in one stanza");
                fields[last] = line[(colon + 1)..].Trim();
            }
            else Assert.Fail($"not a deb822 line: '{line}'");
        }
        return fields;
    }

    [Fact]
    public void Changelog_is_a_Debian_changelog_of_this_version()
    {
        string changelog = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-changelog").FullName, "changelog");
        File.WriteAllText(changelog, Gunzip(Path.Combine(Root("amd64"), "usr/share/doc/edgelstm/changelog.gz")));
        var parsed = CliProcess.RunExecutable("dpkg-parsechangelog", ["-l", changelog, "-SVersion"]);
        Assert.True(parsed.ExitCode == 0 && parsed.StdErr.Length == 0, $"dpkg-parsechangelog: {parsed.StdErr}");
        Assert.Equal(Version, parsed.StdOut.Trim());
    }

    /// <summary>The command names of `edgelstm [COMMAND] --help`, nested ones as "dataset export".</summary>
    private static List<string> Commands(string prefix = "")
    {
        var help = CliProcess.Run([.. prefix.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);
        Assert.True(help.ExitCode == 0, help.StdErr);
        var names = new List<string>();
        bool inCommands = false;
        foreach (string line in help.StdOut.Split('\n'))
        {
            if (!line.StartsWith(' ')) inCommands = line.TrimEnd() == "Commands:";
            else if (inCommands && line.Trim().Length > 0)
            {
                string name = (prefix + " " + line.Trim().Split(' ')[0]).Trim();
                names.Add(name);
                names.AddRange(Commands(name));
            }
        }
        return names;
    }

    /// <summary>
    /// edgelstm(1) renders with groff's warnings all on (-ww) without a single one, has the usual
    /// sections, and describes every command `edgelstm --help` lists (nested ones too), and the
    /// exit codes of ExitCodes.cs.
    /// </summary>
    [Theory]
    [InlineData("amd64")]
    [InlineData("arm64")]
    public void Manual_page_renders_without_warnings_and_names_every_command(string arch)
    {
        string page = Path.Combine(Directory.CreateTempSubdirectory("edgelstm-man").FullName, "edgelstm.1");
        File.WriteAllText(page, Gunzip(Path.Combine(Root(arch), "usr/share/man/man1/edgelstm.1.gz")));
        var render = CliProcess.RunExecutable("groff", ["-man", "-Tutf8", "-ww", "-P-cbou", page]);
        Assert.True(render.ExitCode == 0, $"groff exit {render.ExitCode}");
        Assert.True(render.StdErr.Length == 0, $"groff warns: {render.StdErr}");
        string text = Regex.Replace(render.StdOut.Replace('\u2010', '-').Replace('\u2212', '-'), @"[ \t]+", " ");

        foreach (var section in new[] { "NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS", "FILES", "ENVIRONMENT", "EXIT STATUS", "SEE ALSO" })
            Assert.True(Regex.IsMatch(text, $"^{section}$", RegexOptions.Multiline), $"no {section} section");
        var commands = Commands();
        Assert.Contains("run", commands);
        foreach (string command in commands)
            Assert.True(text.Contains($"edgelstm {command}", StringComparison.Ordinal), $"the manual page does not describe `edgelstm {command}`");
        foreach (Match code in Regex.Matches(File.ReadAllText(Path.Combine(CliProcess.RepoRoot, "src/EdgeLstm.Cli/Infrastructure/ExitCodes.cs")), @"const int \w+ = (\d+);"))
            Assert.True(Regex.IsMatch(text, $@"^ +{code.Groups[1].Value} ", RegexOptions.Multiline), $"EXIT STATUS does not describe {code.Groups[1].Value}");
        Assert.Contains("/etc/edgelstm/edgelstm.json", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// The configurations as installed pass `run --check` with the packaged binary on a machine
    /// without their serial devices (an absent source device is a warning): the minimal
    /// /etc/edgelstm/edgelstm.json and the every-option example, whose file source replays the
    /// recording installed beside it.
    /// </summary>
    [Theory]
    [InlineData("amd64", "etc/edgelstm/edgelstm.json", "/dev/ttyACM0")]
    [InlineData("amd64", "usr/share/doc/edgelstm/examples/edgelstm.full.json", "/dev/serial/by-id/usb-Arduino_Uno-if00")]
    [InlineData("arm64", "etc/edgelstm/edgelstm.json", "/dev/ttyACM0")]
    public void Installed_configuration_passes_check_without_its_device(string arch, string config, string device)
    {
        var check = RunPackaged(arch, "run", "--config", Path.Combine(Root(arch), config), "--check");
        Assert.True(check.ExitCode == 0, $"exit {check.ExitCode}: {check.StdErr}");
        Assert.StartsWith($"edgelstm: {Path.GetFileName(config)}: OK (", check.StdOut.Trim(), StringComparison.Ordinal);
        if (!File.Exists(device))
            Assert.True(check.StdErr.Contains($"device '{device}' not found", StringComparison.Ordinal) && check.StdErr.Contains("a warning", StringComparison.Ordinal),
                $"the absent {device} is not reported as a warning: {check.StdErr}");
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex MarkdownLink();

    /// <summary>Every relative link of the installed docs names another installed file (the rest are absolute URLs).</summary>
    [Fact]
    public void Installed_docs_link_to_each_other_or_to_urls()
    {
        string doc = Path.Combine(Root("amd64"), "usr/share/doc/edgelstm");
        var docs = Directory.GetFiles(doc, "*.md");
        Assert.True(docs.Length >= 3, "fewer than three markdown docs installed");
        foreach (string file in docs)
            foreach (Match link in MarkdownLink().Matches(File.ReadAllText(file)))
            {
                string target = link.Groups[1].Value;
                if (Regex.IsMatch(target, "^[a-z]+:") || target.StartsWith('#')) continue;
                string path = Path.Combine(doc, target.Split('#')[0]);
                Assert.True(File.Exists(path), $"{Path.GetFileName(file)} links to {target}, which is not installed");
            }
    }

    /// <summary>lintian reports no error, warning or info tag on either package beyond the overrides it ships.</summary>
    [Theory]
    [InlineData("amd64")]
    [InlineData("arm64")]
    public void Lintian_finds_nothing_beyond_the_shipped_overrides(string arch)
    {
        Assert.True(File.Exists("/usr/bin/lintian"), "lintian is not installed (scripts/prerequisites.sh installs it; the test needs it, it does not skip)");
        var lintian = CliProcess.RunExecutable("lintian", ["--display-info", "--fail-on", "error,warning,info", Deb(arch)]);
        var tags = lintian.StdOut.Split('\n').Where(l => Regex.IsMatch(l, "^[EWIXPO]: ")).ToList();
        Assert.True(tags.Count == 0, $"lintian on the {arch} package:\n{string.Join('\n', tags)}");
        Assert.True(lintian.ExitCode == 0, $"lintian exit {lintian.ExitCode}: {lintian.StdErr}");
    }

    [Fact]
    public void Arm64_deb_binary_runs_under_qemu_through_its_symlink()
    {
        string root = Directory.CreateTempSubdirectory("edgelstm-deb-root").FullName;
        Assert.Equal(0, CliProcess.RunExecutable("dpkg-deb", ["-x", Package($"edgelstm_{Version}_arm64.deb"), root]).ExitCode);
        var env = new Dictionary<string, string> { ["QEMU_LD_PREFIX"] = "/usr/aarch64-linux-gnu" };
        var version = CliProcess.RunExecutable("qemu-aarch64", [Path.Combine(root, "usr/bin/edgelstm"), "--version"], env);
        Assert.True(version.ExitCode == 0, version.StdErr);
        Assert.StartsWith(Version, version.StdOut.Trim(), StringComparison.Ordinal);

        var infer = CliProcess.RunExecutable("qemu-aarch64",
            [Path.Combine(root, "usr/bin/edgelstm"), "infer", "--model", Fixtures.ModelPath, "--input", Fixtures.CsvPath, "--engine", "int"], env);
        Assert.True(infer.ExitCode == 0, infer.StdErr);
        Assert.Equal(CliProcess.Run("infer", "--model", Fixtures.ModelPath, "--input", Fixtures.CsvPath, "--engine", "int").StdOut, infer.StdOut);
    }

    [Theory]
    [InlineData("linux-x64")]
    [InlineData("linux-arm64")]
    public void Tarball_holds_binary_unit_rule_and_notices(string target)
    {
        var list = CliProcess.RunExecutable("tar", ["-tzf", Package($"edgelstm-{Version}-{target}.tar.gz")]);
        Assert.True(list.ExitCode == 0, list.StdErr);
        string dir = $"edgelstm-{Version}-{target}/";
        foreach (var file in new[] { "edgelstm", "edgelstm.service", "99-edgelstm.rules", "edgelstm.json", "edgelstm.full.json", "edgelstm.1",
                                     "LICENSE", "THIRD-PARTY-NOTICES", "README.md", "operations.md" })
            Assert.True(list.StdOut.Split('\n').Contains(dir + file), $"{file} is not in the {target} tarball");
    }
}
