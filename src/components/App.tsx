export function App() {
  return (
    <main>
      <h1>RecLens</h1>
    </main>
  );
}
