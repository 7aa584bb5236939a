using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Nop.Processing.Data;

// Plain commands on a context's own connection, enlisted in its current transaction (if any): for the checkpoint's
// statements, where EF's query pipeline and change tracker cost several times the statements themselves.
internal static class ContextCommands
{
    public static DbCommand Create(ProcessingDbContext db, string sql,
        params (string Name, object Value)[] parameters)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            AddParameter(command, name).Value = value;
        }
        return command;
    }

    public static DbParameter AddParameter(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
