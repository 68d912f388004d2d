namespace Tinyfence.Server;

/// <summary>What an event loop does with a connection <see cref="ConnectionTable{T}.Serve"/> hands it.</summary>
internal interface IConnectionLoop<in T>
    where T : class, ILoopConnection
{
    /// <summary>The connection is readable (or at its end): read it and answer what it sent.</summary>
    void Receive(T connection, long nowMs);

    /// <summary>The client took the last of its held output: answer what came meanwhile, and read again.</summary>
    void OutputTaken(T connection, long nowMs);

    /// <summary>Serving the connection threw (a bug): say so; the table then closes that connection only.</summary>
    void Failed(T connection, Exception error);
}
