namespace Tinyfence.Cli;

/// <summary>
/// The command line is wrong: an unknown option, a missing or bad value, operands a verb does not
/// take. Exit status 64 (EX_USAGE), the message on stderr; an Apache-facing verb then fails open.
/// </summary>
internal sealed class UsageException(string message) : Exception(message);
