using Microsoft.EntityFrameworkCore;

namespace Nop.Persistence.Inbox;

/// <summary>A message a consumer has handled (table <c>inbox</c>, key (consumer, message id)).</summary>
public sealed class InboxEntry
{
    /// <summary>The consumer (its queue) that handled the message.</summary>
    public required string Consumer { get; set; }

    /// <summary>The handled message's id.</summary>
    public required string MessageId { get; set; }

    /// <summary>When it was handled; rows older than the service's retention are deleted.</summary>
    public DateTimeOffset HandledAt { get; set; }

    /// <summary>Maps the <c>inbox</c> table.</summary>
    public static void Map(ModelBuilder modelBuilder) => modelBuilder.Entity<InboxEntry>(i =>
    {
        i.ToTable("inbox");
        i.HasKey(x => new { x.Consumer, x.MessageId });
        i.Property(x => x.Consumer).HasMaxLength(128);
        i.Property(x => x.MessageId).HasMaxLength(128);
        i.HasIndex(x => x.HandledAt);
    });
}
