namespace EdgeLstm.Cli;

/// <summary>The exit codes every command uses (DESIGN.md section 7).</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int CheckFailed = 1;
    public const int BadInput = 2;
}
