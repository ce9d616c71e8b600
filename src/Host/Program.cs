using Qnn.Host.Cli;

// Before any tensor exists: keep freed tensor memory in the heap (see Allocator.tuneForTraining).
Qnn.Allocator.tuneForTraining();
return new QnnApp(Terminal.FromConsole()).Run(args);
