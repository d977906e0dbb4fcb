//! The command line's help and clap's own errors in Japanese.
//!
//! clap writes help, usage and its errors in English. Under `--lang ja` (or `TEICHAKU_LANG=ja`)
//! [`japanese`] rewrites the command before it parses: every command's description and every
//! argument's help from the tables below, the headings, the usage lines, the value names, and the
//! defaults, possible values and environment variable that clap would append in English. A
//! parse error is then told in Japanese by [`error_text`] from the error's kind and context.
//!
//! An argument missing from the tables keeps its English help, and the test of Japanese help
//! (`tests/japanese_messages.rs`) fails on it: add its line here.

use std::ffi::{OsStr, OsString};

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

/// The heading of positional arguments.
const ARGUMENTS: &str = "引数";
/// The heading of options.
const OPTIONS: &str = "オプション";
/// The heading of subcommands.
const COMMANDS: &str = "コマンド";

/// Each command's description, by its name (`teichaku` for the command itself).
const ABOUT: [(&str, &str); 12] = [
    (
        "teichaku",
        "生成AIの利用を定着させるためのコマンド：プレイブックの表示、文書の検査、KPI と定着スコアの計算、評価と次の一手、人事評価の採点",
    ),
    ("playbooks", "プレイブックの一覧を表示する"),
    ("show", "プレイブックを1つ表示する（フェーズ、活動、ゲート、介入）"),
    ("graph", "プレイブックの活動のつながりを図にする"),
    ("validate", "評価用文書かプレイブック文書を検査する。問題があればすべてを1行に1つずつ示し、終了コード1で終わる"),
    ("kpis", "指定日のすべての範囲（または1つの範囲）の KPI と定着スコアを計算する"),
    ("assess", "指定日の組織を評価する：フェーズと準備度、スコア、スケジュール、次の一手"),
    (
        "evaluate",
        "事実ファイル（CSV か1行1件の JSON）をルーブリックで1行ずつ採点する。終了コードは、すべての行が正しければ0、正しくない行があれば1、入力が使えなければ2",
    ),
    (
        "whatif",
        "活動を今日終えたら何が変わるか、また、最も多くの作業と人の足止めを解く、今すぐ着手できる1つの行動を示す",
    ),
    ("init", "組織の人事の社員名簿（CSV か XLSX）から評価用文書を作る"),
    ("schema", "文書の種類ごと（または全種類）の JSON スキーマを表示する"),
    ("demo", "組み込みのデモ組織を評価する。またはその入力文書を表示する"),
];

/// Each argument's help, by `command.argument` (the argument's id, its field name), or by
/// `*.argument` for every command that has no line of its own.
const HELP: [(&str, &str); 56] = [
    ("*.lang", "テキスト出力とメッセージの言語。環境変数 `TEICHAKU_LANG` でも指定できる"),
    (
        "*.with_playbook",
        "組み込みのプレイブックに加えるプレイブック文書（同じ識別子の組み込みは置き換える）。複数回指定できる",
    ),
    ("*.format", "出力形式"),
    ("*.file", "評価用文書。`-` なら標準入力"),
    ("*.as_of", "数える最後の日（例：2026-11-01）。省略すると組織の時差での今日"),
    ("*.events", "利用イベント（1回の利用に1行）を追加する CSV、1行1件の JSON、Parquet のファイル。複数回指定できる"),
    (
        "*.days",
        "メンバー・日ごとの利用記録（メンバーと日に1行：`member`、`date`、`count`、`minutes`、`task`、`tool`）の CSV、1行1件の JSON、Parquet のファイル。複数回指定できる",
    ),
    (
        "*.periods",
        "メンバー・期間ごとの利用記録（メンバーと期間に1行：`member`、`start`、`end`、`active_days`、`count`、`minutes`）の CSV、1行1件の JSON、Parquet のファイル。複数回指定できる",
    ),
    ("*.skip_bad_lines", "読めないイベント行があっても計算する（その行は報告する）"),
    (
        "*.vendors",
        "ベンダーの利用エクスポートを読み、メンバー・日ごとの利用記録にする：`github-copilot=ファイル`（GitHub Copilot のユーザー単位の1行1件の JSON）か `m365-copilot=ファイル`（Microsoft 365 Copilot の利用状況のユーザー詳細の CSV）。複数回指定できる",
    ),
    (
        "*.github_logins",
        "`github-copilot` のエクスポートの GitHub ログインごとのメンバー（キーかメールアドレス）を示す `login,member` の CSV。一覧にないログインはメンバーのキーとみなす",
    ),
    ("*.top", "テキストと HTML のレポートに挙げる次の一手の数"),
    ("show.playbook", "プレイブックの識別子（例：`sme-five-step`）"),
    ("graph.playbook", "プレイブックの識別子"),
    ("graph.format", "図の言語"),
    ("validate.file", "検査する文書。`-` なら標準入力"),
    ("kpis.scope", "この範囲だけを計算する：`organisation`、部署の識別子かコード、または `manager` などのロール"),
    ("kpis.skip_bad_lines", "読めないイベント行があっても KPI を計算する（その行は報告する）"),
    ("kpis.min_group_size", "プレイブックの最小グループ人数を上書きする"),
    ("kpis.weeks", "週ごとの推移に含める ISO 週の数"),
    ("kpis.per_member", "個人ごとの数値を加える（プライバシーのため、指定しなければ出さない）"),
    ("kpis.compare_with", "この日からの顔ぶれの移り変わり（継続、離脱、再開、新規）を加える"),
    ("kpis.threads", "集計に使うスレッドの数（省略するとマシンのコア数）。結果はこの数によらない"),
    (
        "kpis.partial_out",
        "レポートの代わりに、この実行の利用ファイル（1つのシャード）の利用の部分集計をファイル（`-` なら標準出力）に書き出し、あとの実行の `--partials` で合わせられるようにする。文書そのものに利用の記録があってはならない。部分集計には各メンバーの利用が入るので、利用ファイルと同じく非公開に保つこと",
    ),
    (
        "kpis.partials",
        "これらの利用の部分集計（利用のシャードごとに `--partial-out` で書いたもの）をこの実行で読む利用と合わせ、全体のレポートを出す。複数回指定できる",
    ),
    (
        "assess.outcomes",
        "成果 KPI の記録の CSV ファイル（列は `outcome`、`unit`、`from`、`date`、`value`、`measured_in`、`baseline`）。文書の記録と合わせて検査する",
    ),
    ("assess.skip_bad_lines", "読めないイベント行があっても評価する（その行は報告する）"),
    (
        "assess.format",
        "出力形式：テキストのレポート、グラフ入りで1ファイルに収まる HTML のレポート、評価全体の JSON、展開の依存グラフ（Mermaid か DOT）、またはスケジュールのガントチャート（Mermaid）",
    ),
    (
        "whatif.complete",
        "指定日に終えたとみなす活動：`活動`（組織全体の活動、または部署ごとの活動なら着手できるか遅れている部署すべて）か `活動@部署`（部署の識別子、コード、名前）。複数回指定できる",
    ),
    ("whatif.skip_bad_lines", "読めないイベント行があっても計算する（assess と同じく数える）"),
    ("whatif.top", "テキスト出力で順位を付けて挙げる行動の数（JSON ではすべて挙げる）"),
    ("init.members", "社員名簿：CSV（UTF-8、BOM 付き UTF-8、Shift_JIS）か XLSX のファイル。`-` なら標準入力"),
    ("init.playbook", "組織が従う組み込みプレイブック"),
    (
        "init.encoding",
        "CSV の文字コード。省略するとバイト列から判定する（UTF-8 として読めれば UTF-8、でなければ Shift_JIS）",
    ),
    (
        "init.roles",
        "役職とロールの対応の CSV（`役職,ロール` の行に続けて `主任,manager` のように書く）。既定の表より先に引く",
    ),
    ("init.out", "文書を書き出すファイル。省略すると標準出力"),
    ("init.name", "組織の名前"),
    ("init.utc_offset", "組織の UTC からの時差。日はこの時差で数える"),
    ("init.launch_date", "AI ツールを使えるようになった日。省略すると（その時差での）今日"),
    ("init.as_of", "生年から年齢を数える基準日。省略すると（その時差での）今日"),
    (
        "evaluate.rubric",
        "ルーブリック：JSON ファイル、または組み込みの `builtin:ai-use-in-appraisal`（最新の版。版1なら `builtin:ai-use-in-appraisal@1`）",
    ),
    (
        "evaluate.facts",
        "事実：CSV か1行1件の JSON のファイル。`-` なら標準入力。終了コードは、すべての行が正しければ0、正しくない行があれば1、入力が使えなければ2、出力を書けなければ3",
    ),
    ("evaluate.facts_format", "事実ファイルの形式。省略すると拡張子（`.csv`、または `.jsonl` か `.ndjson`）で決める"),
    (
        "evaluate.format",
        "出力形式：`text` は1行ごとに人が読む1行、`json` は1行ごとに説明すべてを含む JSON の1行、`csv` は見出しの行に続けて1行ごとに1レコード",
    ),
    (
        "evaluate.rollup",
        "行のあとに `group` ごとの集計を出す。評価した人数が `--min-group-size` に満たないグループの数値は伏せる。前の行と同じ対象の行は正しくない行として1回数える。各行の対象、合計、評価段階、上限をメモリに保つ。`--format csv` とは併用できない",
    ),
    ("evaluate.min_group_size", "`--rollup` が数値を示す最小のグループ人数"),
    (
        "evaluate.calibrate",
        "行のあとに、ファイルの評価段階の目標分布（`{ \"shares\": { \"S\": 0.1, \"A\": 0.2, ... } }`）で評価段階が変わる人を示す。各行の合計、評価段階、上限をメモリに保つ。`--format csv` とは併用できない",
    ),
    (
        "evaluate.partial_out",
        "行のあとに、このシャードの評価の部分集計（対象者ごとの合計と評価段階、または評価しなかった理由）をファイルに書き出し、あとの実行の `--partials` でほかのシャードと合わせて集計できるようにする。事実ファイルと同じく非公開に保つこと。`--format csv` とは併用できない",
    ),
    (
        "evaluate.partials",
        "事実ファイルの代わりに、これらの評価の部分集計（母集団のシャードごとに `--partial-out` で書いたもの）を1つのバッチとして集計し、集計だけを出す。複数回指定できる",
    ),
    ("schema.document", "どの文書か"),
    ("demo.document", "代わりにデモの入力文書を JSON で表示する"),
    ("demo.format", "要約の出力形式"),
    ("*.help", "ヘルプを表示する"),
    ("*.version", "バージョンを表示する"),
    ("*.members", "社員名簿"),
    ("*.playbook", "プレイブック"),
];

/// Japanese value names, by clap's English one.
const VALUE_NAMES: [(&str, &str); 12] = [
    ("FILE", "ファイル"),
    ("DATE", "日付"),
    ("N", "数"),
    ("FORMAT", "形式"),
    ("SCOPE", "範囲"),
    ("ID", "プレイブック"),
    ("ENCODING", "文字コード"),
    ("OFFSET", "時差"),
    ("ACTIVITY", "活動"),
    ("FILE|builtin:ID[@REVISION]", "ファイル|builtin:識別子[@版]"),
    ("LANG", "言語"),
    ("VENDOR=FILE", "種類=ファイル"),
];

/// Whether the messages are to be Japanese: the last `--lang` on the command line, else
/// `TEICHAKU_LANG` (`env`), says `ja`: `teichaku demo --lang=ja` does, and so does
/// `TEICHAKU_LANG=ja teichaku demo`, but not `TEICHAKU_LANG=ja teichaku --lang en demo`.
pub(crate) fn wants_japanese(args: &[OsString], env: Option<&OsStr>) -> bool {
    let mut lang = env.map(|v| v.to_string_lossy().into_owned());
    let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        if word == "--lang" {
            lang = words.next().map(|v| v.into_owned());
        } else if let Some(value) = word.strip_prefix("--lang=") {
            lang = Some(value.to_owned());
        }
    }
    lang.is_some_and(|l| l.eq_ignore_ascii_case("ja"))
}

/// `teichaku help COMMAND…` as `teichaku COMMAND… --help`: the Japanese command has no help
/// subcommand of clap's (its words are clap's, in English).
pub(crate) fn help_subcommand_as_flag(mut args: Vec<OsString>) -> Vec<OsString> {
    let mut at = 1;
    while let Some(word) = args.get(at).map(|a| a.to_string_lossy().into_owned()) {
        match word.as_str() {
            // The global options that take a value: the value is not the subcommand.
            "--lang" | "--with-playbook" => at += 2,
            w if w.starts_with('-') => at += 1,
            "help" => {
                args.remove(at);
                args.push("--help".into());
                break;
            }
            _ => break,
        }
    }
    args
}

/// `command` with Japanese help: descriptions, argument help, headings, usage and value names.
pub(crate) fn japanese(command: Command) -> Command {
    localise(command, "teichaku", true)
}

fn localise(command: Command, path: &str, root: bool) -> Command {
    let name = command.get_name().to_owned();
    let about = ABOUT.iter().find(|(n, _)| *n == name).map(|(_, a)| *a);
    let usage = usage_line(&command, path);
    let mut command = command
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .subcommand_help_heading(COMMANDS)
        .subcommand_value_name(COMMANDS)
        .override_usage(usage)
        .help_template("{about-with-newline}\n使い方: {usage}\n\n{all-args}{after-help}")
        .arg(Arg::new("help").short('h').long("help").action(ArgAction::Help).global(false));
    if let Some(about) = about {
        command = command.about(about).long_about(None::<&str>);
    }
    if root {
        command = command
            .disable_version_flag(true)
            .arg(Arg::new("version").short('V').long("version").action(ArgAction::Version));
    }
    command = command.mut_args(|arg| localise_arg(arg, &name));
    let sub_path = |sub: &Command| format!("{path} {}", sub.get_name());
    let names: Vec<String> = command.get_subcommands().map(sub_path).collect();
    for (sub, sub_path) in command.get_subcommands_mut().zip(names) {
        let owned = std::mem::take(sub);
        *sub = localise(owned, &sub_path, false);
    }
    command
}

/// The usage line: the command's path, `[オプション]`, its required options, its positional
/// arguments and, for a
/// command with subcommands, `<コマンド>`.
fn usage_line(command: &Command, path: &str) -> String {
    let mut line = format!("{path} [{OPTIONS}]");
    for arg in command.get_opts().filter(|a| a.is_required_set()) {
        let long = arg.get_long().unwrap_or_default();
        let name = arg.get_value_names().and_then(|n| n.first()).map(|n| value_name_ja(n.as_str()));
        line.push_str(&format!(" --{long} <{}>", name.unwrap_or_default()));
    }
    for arg in command.get_positionals() {
        let name = arg
            .get_value_names()
            .and_then(|n| n.first())
            .map_or_else(|| arg.get_id().as_str().to_uppercase(), |n| n.to_string());
        let name = value_name_ja(&name);
        if arg.is_required_set() {
            line.push_str(&format!(" <{name}>"));
        } else {
            line.push_str(&format!(" [{name}]"));
        }
    }
    if command.has_subcommands() {
        line.push_str(&format!(" <{COMMANDS}>"));
    }
    line
}

fn value_name_ja(name: &str) -> String {
    let known = VALUE_NAMES.iter().find(|(en, _)| *en == name).map(|(_, ja)| (*ja).to_owned());
    known.unwrap_or_else(|| match name {
        "PLAYBOOK" => "プレイブック".to_owned(),
        "DOCUMENT" => "文書".to_owned(),
        "NAME" => "名前".to_owned(),
        _ => name.to_owned(),
    })
}

/// One argument's Japanese help: the line of the tables, then its possible values and default
/// in Japanese in place of clap's English brackets.
fn localise_arg(arg: Arg, command: &str) -> Arg {
    let id = arg.get_id().as_str().to_owned();
    let own = format!("{command}.{id}");
    let any = format!("*.{id}");
    let line = HELP.iter().find(|(k, _)| *k == own).or_else(|| HELP.iter().find(|(k, _)| *k == any)).map(|(_, h)| *h);
    let mut help = match line {
        Some(line) => line.to_owned(),
        None => arg.get_help().map(ToString::to_string).unwrap_or_default(),
    };
    let takes_values = arg.get_action().takes_values();
    let values: Vec<String> = if takes_values {
        arg.get_possible_values().iter().filter(|v| !v.is_hide_set()).map(|v| format!("`{}`", v.get_name())).collect()
    } else {
        Vec::new()
    };
    let mut notes = Vec::new();
    if !values.is_empty() {
        notes.push(format!("値：{}", values.join("、")));
    }
    if takes_values && let Some(default) = arg.get_default_values().first() {
        notes.push(format!("既定：`{}`", default.to_string_lossy()));
    }
    if !notes.is_empty() {
        help.push_str(&format!("（{}）", notes.join("。")));
    }
    let names: Option<Vec<String>> =
        arg.get_value_names().map(|names| names.iter().map(|n| value_name_ja(n.as_str())).collect());
    let heading = if arg.is_positional() { ARGUMENTS } else { OPTIONS };
    let mut arg = arg.help(help).long_help(None::<&str>).help_heading(heading);
    if takes_values {
        arg = arg.hide_possible_values(true).hide_default_value(true);
    }
    if arg.get_env().is_some() {
        arg = arg.hide_env(true);
    }
    if let Some(names) = names {
        arg = arg.value_names(names);
    } else if takes_values && !arg.is_positional() {
        arg = arg.value_name(value_name_ja(&id.to_uppercase()));
    }
    arg
}

/// clap's error `error` in Japanese: what was wrong, with the usage line of the command.
pub(crate) fn error_text(error: &clap::Error) -> String {
    let text = |kind: ContextKind| match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(s)) => Some(s.join("、")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(ContextValue::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let values = |kind: ContextKind| match error.get(kind) {
        Some(ContextValue::Strings(s)) => s.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join("、"),
        Some(ContextValue::String(s)) => format!("`{s}`"),
        _ => String::new(),
    };
    let arg = text(ContextKind::InvalidArg).map(|a| japanese_value_names(&a)).unwrap_or_default();
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    let mut message = match error.kind() {
        ErrorKind::InvalidValue if value.is_empty() => format!("`{arg}` に値がありません"),
        ErrorKind::InvalidValue => {
            let valid = values(ContextKind::ValidValue);
            if valid.is_empty() {
                format!("`{arg}` に \"{value}\" は使えません")
            } else {
                format!("`{arg}` に \"{value}\" は使えません（使えるのは {valid}）")
            }
        }
        ErrorKind::ValueValidation => format!("`{arg}` の値 \"{value}\" を読めません"),
        ErrorKind::UnknownArgument => format!("`{arg}` という引数はありません"),
        ErrorKind::InvalidSubcommand => {
            format!("`{}` というコマンドはありません", text(ContextKind::InvalidSubcommand).unwrap_or_default())
        }
        ErrorKind::MissingRequiredArgument => {
            let missing = match error.get(ContextKind::InvalidArg) {
                Some(ContextValue::Strings(s)) => {
                    s.iter().map(|a| format!("`{}`", japanese_value_names(a))).collect::<Vec<_>>().join("、")
                }
                _ => format!("`{arg}`"),
            };
            format!("必要な引数がありません：{missing}")
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "コマンドを指定してください".to_owned()
        }
        ErrorKind::ArgumentConflict => {
            let prior = text(ContextKind::PriorArg).map(|a| japanese_value_names(&a)).unwrap_or_default();
            if prior.is_empty() || prior == arg {
                format!("`{arg}` は2回以上指定できません")
            } else {
                format!("`{arg}` と `{prior}` は一緒に指定できません")
            }
        }
        ErrorKind::NoEquals => format!("`{arg}` の値は `=` に続けて書いてください"),
        ErrorKind::TooManyValues => format!("`{arg}` の値が多すぎます（\"{value}\"）"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => format!("`{arg}` の値の数が合いません"),
        ErrorKind::InvalidUtf8 => "引数が UTF-8 ではありません".to_owned(),
        _ => "コマンドラインを読めません".to_owned(),
    };
    let suggested = match (error.get(ContextKind::SuggestedArg), error.get(ContextKind::SuggestedSubcommand)) {
        (Some(ContextValue::String(s)), _) => Some(s.clone()),
        (_, Some(ContextValue::String(s))) => Some(s.clone()),
        (_, Some(ContextValue::Strings(s))) => s.first().cloned(),
        _ => None,
    };
    if let Some(suggested) = suggested {
        message.push_str(&format!("。`{suggested}` のことですか"));
    }
    let usage = text(ContextKind::Usage).map(|u| u.trim().trim_start_matches("Usage:").trim().to_owned());
    let mut out = format!("エラー：{message}\n");
    if let Some(usage) = usage.filter(|u| !u.is_empty()) {
        out.push_str(&format!("\n使い方: `{usage}`\n"));
    }
    out.push_str("\n使い方の詳細は `--help` で表示できます。\n");
    out
}

/// `--as-of <DATE>` as `--as-of <日付>`: clap names an argument in an error by its English value
/// names even when they were replaced.
fn japanese_value_names(arg: &str) -> String {
    let Some(open) = arg.find('<') else { return arg.to_owned() };
    let Some(close) = arg.rfind('>') else { return arg.to_owned() };
    let name = arg.get(open + 1..close).unwrap_or_default();
    format!("{}<{}>{}", &arg[..open], value_name_ja(name), &arg[close + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_last_lang_on_the_command_line_wins_over_the_environment() {
        assert!(wants_japanese(&args(&["teichaku", "--lang", "ja", "demo"]), None));
        assert!(wants_japanese(&args(&["teichaku", "demo", "--lang=ja"]), Some(OsStr::new("en"))));
        assert!(wants_japanese(&args(&["teichaku", "demo"]), Some(OsStr::new("ja"))));
        assert!(!wants_japanese(&args(&["teichaku", "--lang", "ja", "--lang", "en"]), None));
        assert!(!wants_japanese(&args(&["teichaku", "--lang", "en"]), Some(OsStr::new("ja"))));
        assert!(!wants_japanese(&args(&["teichaku", "--", "--lang", "ja"]), None));
    }

    #[test]
    fn help_as_a_subcommand_becomes_the_help_flag_of_what_follows() {
        let rewritten = help_subcommand_as_flag(args(&["teichaku", "--lang", "ja", "help", "assess"]));
        assert_eq!(rewritten, args(&["teichaku", "--lang", "ja", "assess", "--help"]));
        let bare = help_subcommand_as_flag(args(&["teichaku", "--lang", "ja", "help"]));
        assert_eq!(bare, args(&["teichaku", "--lang", "ja", "--help"]));
        let file_named_help = args(&["teichaku", "validate", "help"]);
        assert_eq!(help_subcommand_as_flag(file_named_help.clone()), file_named_help);
    }

    #[test]
    fn an_argument_in_an_error_gets_its_japanese_value_name() {
        assert_eq!(japanese_value_names("--as-of <DATE>"), "--as-of <日付>");
        assert_eq!(japanese_value_names("--skip-bad-lines"), "--skip-bad-lines");
    }
}
