import type { Io } from "./command.ts";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** A one-line progress indicator on stderr, shown only on a terminal (never in pipes or --json logs). */
export function progress(io: Io, write: (s: string) => void = (s) => process.stderr.write(s)) {
  let frame = 0;
  let text = "";
  let timer: ReturnType<typeof setInterval> | undefined;
  const draw = () => {
    if (io.interactive) write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${text}`);
  };
  return {
    /** Replace the text (e.g. "[3/11] linux.firewall"). */
    update(t: string) {
      text = t;
      if (io.interactive && !timer) timer = setInterval(draw, 100);
      draw();
    },
    /** Erase the line. */
    done() {
      clearInterval(timer);
      timer = undefined;
      if (io.interactive) write("\r\x1b[2K");
    },
  };
}
