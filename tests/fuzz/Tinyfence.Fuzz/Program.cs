using SharpFuzz;
using Tinyfence.Fuzz;

// tinyfence-fuzz list            the targets' names, one a line (make fuzz reads them)
// tinyfence-fuzz TARGET          under afl-fuzz: SharpFuzz's loop feeds TARGET each input
// tinyfence-fuzz TARGET FILE...  replays inputs (a crash afl saved) and shows the exception
if (args.Length == 1 && args[0] == "list")
{
    foreach (FuzzTarget each in FuzzTargets.All)
    {
        Console.WriteLine(each.Name);
    }

    return 0;
}

FuzzTarget? target = args.Length >= 1 ? FuzzTargets.Find(args[0]) : null;
if (target is null)
{
    Console.Error.WriteLine("usage: Tinyfence.Fuzz list | TARGET [FILE...]; the targets are: "
        + string.Join(", ", FuzzTargets.All.Select(t => t.Name)));
    return 64;
}

if (args.Length == 1)
{
    Fuzzer.Run(stream =>
    {
        using var input = new MemoryStream();
        stream.CopyTo(input);
        target.Run(input.GetBuffer().AsSpan(0, (int)input.Length));
    });
    return 0;
}

// Outside afl-fuzz the instrumented assemblies (make fuzz's) still count their edges, into a map
// that only SharpFuzz's loop sets up: give them one, or a replay dies in the first instrumented code.
unsafe
{
    if (SharpFuzz.Common.Trace.SharedMem == null)
    {
        SharpFuzz.Common.Trace.SharedMem = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(1 << 16);
    }
}

int failed = 0;
foreach (string file in args.Skip(1))
{
    try
    {
        target.Run(File.ReadAllBytes(file));
        Console.WriteLine($"{file}: ok");
    }
    catch (Exception e)
    {
        failed++;
        Console.WriteLine($"{file}: {e}");
    }
}

return failed == 0 ? 0 : 1;
