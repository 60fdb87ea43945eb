//! `chidu-synth`: writes a deterministic synthetic station fleet (合成数据) to stdout.
//!
//! ```text
//! chidu-synth --profile honghe --count 141 --seed 1 [--format jsonl|json]
//! ```

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use chidu_synth::Profile;

const USAGE: &str = "\
chidu-synth: deterministic synthetic station fleets (合成数据) for chidu

Usage: chidu-synth [--profile honghe|shiyan|taicang|generic] [--count N] [--seed N]
                   [--start N] [--format jsonl|json]

Options:
  --profile P   Fleet shape (default honghe)
  --count N     Stations to write (default: the profile's reference fleet:
                honghe 141, shiyan 124, taicang 9, generic 134)
  --seed N      Random seed (default 1); the same seed gives the same bytes
  --start N     First station index (default 0), to write a fleet in slices
  --format F    jsonl (one record a line, default) or json (an array)
  -h, --help    Show this help
  -V, --version Show the version
";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Jsonl,
    Json,
}

struct Args {
    profile: Profile,
    count: Option<usize>,
    seed: u64,
    start: usize,
    format: Format,
}

enum Parsed {
    Run(Args),
    Exit(String),
}

fn parse(mut it: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut args = Args {
        profile: Profile::Honghe,
        count: None,
        seed: 1,
        start: 0,
        format: Format::Jsonl,
    };
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Parsed::Exit(USAGE.to_owned())),
            "-V" | "--version" => {
                return Ok(Parsed::Exit(format!(
                    "chidu-synth {}\n",
                    env!("CARGO_PKG_VERSION")
                )));
            }
            "--profile" | "-p" => {
                args.profile = value("--profile")?.parse().map_err(|e| format!("{e}"))?;
            }
            "--count" | "-n" => {
                let v = value("--count")?;
                args.count = Some(v.parse().map_err(|_| format!("bad --count `{v}`"))?);
            }
            "--seed" | "-s" => {
                let v = value("--seed")?;
                args.seed = v.parse().map_err(|_| format!("bad --seed `{v}`"))?;
            }
            "--start" => {
                let v = value("--start")?;
                args.start = v.parse().map_err(|_| format!("bad --start `{v}`"))?;
            }
            "--format" | "-f" => {
                args.format = match value("--format")?.as_str() {
                    "jsonl" | "ndjson" => Format::Jsonl,
                    "json" => Format::Json,
                    other => return Err(format!("bad --format `{other}` (jsonl or json)")),
                };
            }
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    Ok(Parsed::Run(args))
}

fn write(args: &Args, out: &mut impl Write) -> io::Result<()> {
    let count = args.count.unwrap_or_else(|| args.profile.default_count());
    let end = args.start.saturating_add(count);
    if args.format == Format::Json {
        out.write_all(b"[")?;
    }
    for (n, i) in (args.start..end).enumerate() {
        let record = chidu_synth::station(&args.profile, args.seed, i);
        match args.format {
            Format::Jsonl => {
                serde_json::to_writer(&mut *out, &record)?;
                out.write_all(b"\n")?;
            }
            Format::Json => {
                out.write_all(if n == 0 { b"\n" } else { b",\n" })?;
                serde_json::to_writer(&mut *out, &record)?;
            }
        }
    }
    if args.format == Format::Json {
        out.write_all(b"\n]\n")?;
    }
    out.flush()
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(a)) => a,
        Ok(Parsed::Exit(text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("chidu-synth: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match write(&args, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is a normal way to stop reading.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("chidu-synth: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<String, String> {
        match parse(args.iter().map(|s| (*s).to_owned()))? {
            Parsed::Run(a) => {
                let mut out = Vec::new();
                write(&a, &mut out).map_err(|e| e.to_string())?;
                String::from_utf8(out).map_err(|e| e.to_string())
            }
            Parsed::Exit(text) => Ok(text),
        }
    }

    #[test]
    fn jsonl_and_json_carry_the_same_records() {
        let lines = run(&["--profile", "shiyan", "--count", "3", "--seed", "5"]).unwrap();
        assert_eq!(lines.lines().count(), 3);
        let array = run(&[
            "--profile=shiyan",
            "--count=3",
            "--seed=5",
            "--format",
            "json",
        ])
        .unwrap();
        let parsed: Vec<serde_json::Value> = serde_json::from_str(&array).unwrap();
        let from_lines: Vec<serde_json::Value> = lines
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(parsed, from_lines);
        assert_eq!(parsed[0]["id"], "SY-0001");
    }

    #[test]
    fn slices_concatenate_to_the_fleet() {
        let whole = run(&["--profile", "taicang", "--count", "6"]).unwrap();
        let a = run(&["--profile", "taicang", "--count", "2"]).unwrap();
        let b = run(&["--profile", "taicang", "--count", "4", "--start", "2"]).unwrap();
        assert_eq!(whole, format!("{a}{b}"));
    }

    #[test]
    fn defaults_and_errors() {
        assert_eq!(run(&["--profile", "honghe"]).unwrap().lines().count(), 141);
        assert!(run(&["--profile", "mars"]).is_err());
        assert!(run(&["--count"]).is_err());
        assert!(run(&["--format", "xml"]).is_err());
        assert!(run(&["--help"]).unwrap().contains("Usage"));
    }
}
