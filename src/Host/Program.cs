using Qnn.Host.Cli;

return new QnnApp(Terminal.FromConsole()).Run(args);
