namespace EdgeLstm.Cli.Tests;

/// <summary>
/// The packages publish.sh builds (dist/packages/): the .deb installs to conventional paths with
/// the configuration as a conffile and maintainer scripts; the tarball holds the same files flat;
/// the arm64 package's binary runs under qemu-aarch64 through its /usr/bin symlink.
/// </summary>
public class PackageTests
{
    private static string Package(string name)
    {
        string path = Path.Combine(CliProcess.RepoRoot, "dist", "packages", name);
        Assert.True(File.Exists(path), $"{path} is missing: run ./publish.sh (test.sh does)");
        return path;
    }

    private static string Version =>
        System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(CliProcess.RepoRoot, "Directory.Build.props")), "<Version>([^<]+)</Version>").Groups[1].Value;

    [Theory]
    [InlineData("amd64")]
    [InlineData("arm64")]
    public void Deb_installs_to_conventional_paths(string arch)
    {
        string deb = Package($"edgelstm_{Version}_{arch}.deb");
        var contents = CliProcess.RunExecutable("dpkg-deb", ["-c", deb]);
        Assert.True(contents.ExitCode == 0, contents.StdErr);
        foreach (var path in new[]
                 {
                     "./usr/lib/edgelstm/edgelstm", "./usr/bin/edgelstm -> ../lib/edgelstm/edgelstm",
                     "./lib/systemd/system/edgelstm.service", "./lib/udev/rules.d/99-edgelstm.rules",
                     "./usr/share/doc/edgelstm/copyright",
                 })
        {
            Assert.Contains(path, contents.StdOut);
        }
        Assert.Contains("-rwxr-xr-x root/root", contents.StdOut.Split('\n').Single(l => l.EndsWith("./usr/lib/edgelstm/edgelstm", StringComparison.Ordinal)));

        var control = CliProcess.RunExecutable("dpkg-deb", ["-f", deb, "Package", "Architecture", "Version"]);
        Assert.Equal($"Package: edgelstm\nArchitecture: {arch}\nVersion: {Version}\n", control.StdOut);

        string meta = Directory.CreateTempSubdirectory("edgelstm-deb-control").FullName;
        Assert.Equal(0, CliProcess.RunExecutable("dpkg-deb", ["-e", deb, meta]).ExitCode);
        foreach (var script in new[] { "postinst", "prerm", "postrm" })
            Assert.True(File.Exists(Path.Combine(meta, script)), $"{script} missing");
        if (File.Exists(Path.Combine(CliProcess.RepoRoot, "config/edgelstm.json")))
        {
            Assert.Contains("./etc/edgelstm/edgelstm.json", contents.StdOut);
            Assert.Equal("/etc/edgelstm/edgelstm.json", File.ReadAllText(Path.Combine(meta, "conffiles")).Trim());
        }
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
        foreach (var file in new[] { "edgelstm", "edgelstm.service", "99-edgelstm.rules", "LICENSE", "THIRD-PARTY-NOTICES", "README.md" })
            Assert.Contains(dir + file, list.StdOut.Split('\n'));
    }
}
