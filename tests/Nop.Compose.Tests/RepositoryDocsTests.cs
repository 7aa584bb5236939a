using System.Text;
using System.Text.RegularExpressions;

namespace Nop.Compose.Tests;

/// <summary>
/// The documentation stays walkable: every relative link in the repository's Markdown leads somewhere, no file points
/// at a document outside the repository, and the README stays a map rather than a manual.
/// </summary>
public sealed partial class RepositoryDocsTests
{
    private const int ReadmeMaxLines = 250;

    // Built from pieces so that this file does not match itself once .cs files are checked.
    private static readonly string[] OutsideDocuments = ["DESIGN" + ".md", "ENVIRONMENT" + ".md", "DESIGN" + " §"];

    private static readonly string[] SkippedFolders = ["bin", "obj", "node_modules", ".nop", "artifacts", "Migrations"];

    [Fact]
    public async Task Every_relative_link_in_the_markdown_resolves_to_a_file_and_heading()
    {
        var broken = new List<string>();
        foreach (var file in (await TrackedFilesAsync()).Where(f => f.EndsWith(".md", StringComparison.Ordinal)))
        {
            broken.AddRange(BrokenLinks(file, await File.ReadAllTextAsync(Repo.PathOf(file))));
        }
        broken.ShouldBeEmpty(string.Join('\n', broken));
    }

    [Fact]
    public async Task No_file_refers_to_a_document_outside_the_repository()
    {
        var found = new List<string>();
        foreach (var file in await TrackedFilesAsync())
        {
            // Generated migrations are left as EF Core wrote them.
            if (file.EndsWith(".Designer.cs", StringComparison.Ordinal))
            {
                continue;
            }
            var bytes = await File.ReadAllBytesAsync(Repo.PathOf(file));
            if (Array.IndexOf(bytes, (byte)0) >= 0)
            {
                continue; // binary (an image)
            }
            found.AddRange(OutsideReferences(file, Encoding.UTF8.GetString(bytes)));
        }
        found.ShouldBeEmpty(string.Join('\n', found));
    }

    [Fact]
    public async Task The_readme_is_a_map_of_at_most_250_lines()
    {
        var lines = await File.ReadAllLinesAsync(Repo.PathOf("README.md"));
        lines.Length.ShouldBeLessThanOrEqualTo(ReadmeMaxLines,
            "README.md is a map: move the detail to docs/ or a service's README");
    }

    /// <summary>Links of <paramref name="markdown"/> (in <paramref name="file"/>) whose file or heading is
    /// missing.</summary>
    internal static IEnumerable<string> BrokenLinks(string file, string markdown)
    {
        var directory = Path.GetDirectoryName(file) ?? "";
        foreach (var (line, target) in Links(markdown))
        {
            if (Scheme().IsMatch(target))
            {
                continue; // http:, https:, mailto:: not ours to check offline
            }
            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var pathPart = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
            var anchor = hash < 0 ? null : target[(hash + 1)..];
            var relative = pathPart.Length == 0 ? file : Path.Combine(directory, pathPart);
            var full = Path.GetFullPath(Repo.PathOf(relative));
            if (!full.StartsWith(Repo.Root, StringComparison.Ordinal))
            {
                yield return $"{file}:{line}: {target} leads outside the repository";
            }
            else if (!File.Exists(full) && !Directory.Exists(full))
            {
                yield return $"{file}:{line}: {target} does not exist";
            }
            else if (anchor is not null && full.EndsWith(".md", StringComparison.Ordinal)
                && !Slugs(File.ReadAllText(full)).Contains(anchor))
            {
                yield return $"{file}:{line}: {target} names no heading of {Path.GetRelativePath(Repo.Root, full)}";
            }
        }
    }

    /// <summary>Mentions in <paramref name="text"/> of a document that is not in the repository.</summary>
    internal static IEnumerable<string> OutsideReferences(string file, string text)
    {
        var lines = text.Split('\n');
        var directory = Path.GetDirectoryName(Repo.PathOf(file)) ?? Repo.Root;
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (var name in OutsideDocuments.Where(n => lines[i].Contains(n, StringComparison.Ordinal)))
            {
                yield return $"{file}:{i + 1}: mentions {name}";
            }
            // ../../shared/ from a project folder is the repository's shared/; ../shared/ from the root is not.
            foreach (Match m in SharedPath().Matches(lines[i]))
            {
                if (!Path.GetFullPath(Path.Combine(directory, m.Value)).StartsWith(Repo.Root, StringComparison.Ordinal))
                {
                    yield return $"{file}:{i + 1}: {m.Value} is outside the repository";
                }
            }
        }
    }

    /// <summary>GitHub's anchors of a document's headings: lower case, punctuation dropped, spaces to hyphens, and
    /// -1, -2 … after a repeated heading.</summary>
    internal static HashSet<string> Slugs(string markdown)
    {
        var slugs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var heading in Headings(markdown))
        {
            var text = InlineLink().Replace(heading, "$1").ToLowerInvariant();
            var slug = new string(text.Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_').ToArray())
                .Replace(' ', '-');
            var unique = slug;
            for (var n = 1; !slugs.Add(unique); n++)
            {
                unique = $"{slug}-{n}";
            }
        }
        return slugs;
    }

    private static IEnumerable<string> Headings(string markdown)
    {
        var fenced = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
            }
            else if (!fenced && Heading().Match(line) is { Success: true } m)
            {
                yield return m.Groups[1].Value.Trim().TrimEnd('#').Trim();
            }
        }
    }

    /// <summary>Inline links and images <c>[text](target)</c> and reference definitions <c>[name]: target</c>, outside
    /// code blocks and code spans, with their line numbers.</summary>
    private static IEnumerable<(int Line, string Target)> Links(string markdown)
    {
        var fenced = false;
        var lines = markdown.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }
            if (fenced)
            {
                continue;
            }
            var line = CodeSpan().Replace(lines[i], "");
            foreach (Match m in InlineLinkTarget().Matches(line))
            {
                yield return (i + 1, m.Groups[1].Value);
            }
            if (ReferenceDefinition().Match(line) is { Success: true } d)
            {
                yield return (i + 1, d.Groups[1].Value);
            }
        }
    }

    private static async Task<IReadOnlyList<string>> TrackedFilesAsync()
    {
        // Untracked files that are not ignored count too, so a new document is checked before its first commit.
        var result = (await Cli.RunAsync("git", ["ls-files", "--cached", "--others", "--exclude-standard"],
            TimeSpan.FromSeconds(30))).EnsureSuccess();
        return result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(f => !f.Split('/').Any(SkippedFolders.Contains) && File.Exists(Repo.PathOf(f)))
            .ToList();
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^#{1,6}\s+(.+)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"\]\(\s*<?([^)\s>]+)>?(?:\s+""[^""]*"")?\s*\)")]
    private static partial Regex InlineLinkTarget();

    [GeneratedRegex(@"^\s{0,3}\[[^\]]+\]:\s+<?(\S+?)>?(?:\s|$)")]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"`+[^`]*`+")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"(?:\.\./)+shared/")]
    private static partial Regex SharedPath();
}
