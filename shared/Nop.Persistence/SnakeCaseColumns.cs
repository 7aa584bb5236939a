using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Nop.Persistence;

/// <summary>Names every column of a model in snake_case (<c>WindowStart</c> → <c>window_start</c>), the style of the
/// tables' names, so hand-written SQL reads the same on SQLite and SQL Server.</summary>
public static class SnakeCaseColumns
{
    /// <summary>Renames the columns of every entity configured so far; call it after the entities.</summary>
    public static void Apply(ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(Of(property.Name));
            }
        }
    }

    /// <summary>The snake_case form of a PascalCase name.</summary>
    public static string Of(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }
            builder.Append(char.ToLowerInvariant(name[i]));
        }
        return builder.ToString();
    }
}
