using System.Runtime.Versioning;

// The binary under test is a Linux executable; so is everything these tests do to it.
[assembly: SupportedOSPlatform("linux")]
