using MimeKit;

namespace Tinyfence.Alerts;

/// <summary>
/// What one transaction achieved. <see cref="DataReply"/> is null when no recipient was accepted
/// (then no DATA was sent); otherwise the message is with the server for <see cref="Accepted"/>.
/// </summary>
internal sealed record Delivery(string? DataReply, IReadOnlyList<MailboxAddress> Accepted, IReadOnlyList<RecipientRefusal> Refused);
