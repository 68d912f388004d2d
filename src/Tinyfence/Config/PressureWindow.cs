namespace Tinyfence.Config;

public enum PressureWindow
{
    Avg10,
    Avg60,
    Avg300,
}
