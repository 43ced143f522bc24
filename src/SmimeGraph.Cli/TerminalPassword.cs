using System.Text;

namespace SmimeGraph.Cli;

/// <summary>Asks for a password on the terminal: the prompt on standard error, the keys not echoed.</summary>
internal static class TerminalPassword
{
    /// <summary>The password typed up to Enter, or null at end of input (Ctrl+D on an empty line).</summary>
    public static string? Read(string prompt)
    {
        Console.Error.Write(prompt);
        var typed = new StringBuilder();
        try
        {
            while (true)
            {
                ConsoleKeyInfo key = Console.ReadKey(intercept: true);
                switch (key.Key)
                {
                    case ConsoleKey.Enter:
                        return typed.ToString();
                    case ConsoleKey.Backspace:
                        if (typed.Length > 0)
                        {
                            typed.Length--;
                        }

                        break;
                    case ConsoleKey.D when key.Modifiers.HasFlag(ConsoleModifiers.Control) && typed.Length == 0:
                        return null;
                    default:
                        if (!char.IsControl(key.KeyChar))
                        {
                            typed.Append(key.KeyChar);
                        }

                        break;
                }
            }
        }
        finally
        {
            Console.Error.WriteLine();
            for (int i = 0; i < typed.Length; i++)
            {
                typed[i] = '\0';
            }
        }
    }
}
