// Public, so tests can start the service with WebApplicationFactory<Program>.
public partial class Program;
