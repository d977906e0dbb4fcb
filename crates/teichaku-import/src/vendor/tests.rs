use super::*;

fn github_read(text: &str) -> VendorRead {
    let mut logins = GithubLogins::default();
    logins.insert("octo-sato", "E001");
    read_vendor(Vendor::GithubCopilot, text.as_bytes(), &logins).unwrap()
}

#[test]
fn github_rows_are_records_without_use_or_bad_by_line() {
    let text = "\u{feff}{\"user_login\": \"Octo-Sato\", \"day\": \"2025-10-01\", \"user_initiated_interaction_count\": 2, \"code_acceptance_activity_count\": 3, \"totals_by_cli\": {\"prompt_count\": 4}}\n\
                {\"user_login\": \"E002\", \"day\": \"2025-10-01\", \"code_generation_activity_count\": 5}\n\
                \r\n\
                {\"user_login\": \"E002\", \"day\": \"2025-10-02\", \"user_initiated_interaction_count\": 0, \"used_chat\": false}\n\
                {\"user_login\": \"E003\", \"day\": \"2025-10-02\", \"used_agent\": true}\r\n\
                [{\"user_login\": \"E003\"}]\n\
                {\"user_login\": 7, \"day\": \"2025-10-02\"}\n\
                {\"user_login\": \"E003\", \"day\": \"2025-10-02\", \"used_cli\": \"yes\"}\n\
                {\"user_login\": \"E003\", \"day\": \"2025-10-02\", \"user_initiated_interaction_count\": -1}\n\
                {\"user_login\": \"E003\"}\n\
                {\"user_login\"\n";
    let read = github_read(text);
    // Eleven lines: one blank, ten rows: three records, one without use, six bad.
    assert_eq!((read.rows, read.days.len(), read.rows_without_use, read.bad_line_count), (10, 3, 1, 6));
    let days: Vec<_> = read.days.iter().map(|d| (d.line, d.member.as_str(), d.count)).collect();
    // Uses are prompts, acceptances and CLI prompts; generations alone make a day of use
    // whose uses are unknown.
    assert_eq!(days, [(1, "E001", Some(9)), (2, "E002", None), (5, "E003", None)]);
    let bad: Vec<_> = read.bad_lines.iter().map(|b| b.line).collect();
    assert_eq!(bad, [6, 7, 8, 9, 10, 11]);
    assert!(matches!(&read.bad_lines[0].error, VendorLineError::Unreadable { problem } if problem.contains("NDJSON")));
    assert_eq!(read.bad_lines[1].error, bad_value("user_login", &Value::from(7), "a text"));
    assert_eq!(read.bad_lines[2].to_string(), "line 8: `used_cli`: \"yes\" is not true or false");
    assert_eq!(read.bad_lines[3].to_string(), "line 9: `user_initiated_interaction_count`: -1 is not a whole number");
    assert_eq!(read.bad_lines[4].error, VendorLineError::MissingField { field: "day" });
    assert_eq!(
        read.day_records_csv(),
        "member,date,count,tool\nE001,2025-10-01,9,github-copilot\nE002,2025-10-01,,github-copilot\nE003,2025-10-02,,github-copilot\n"
    );
    assert_eq!([2, 3, 4, 5].map(|l| read.vendor_line(l)), [Some(1), Some(2), Some(5), None]);
}

const M365_HEADER: &str = "Report Refresh Date,Report Period,User Principal Name,Display Name,Last Activity Date,Microsoft Teams Copilot Last Activity Date,Word Copilot Last Activity Date,Excel Copilot Last Activity Date,PowerPoint Copilot Last Activity Date,Outlook Copilot Last Activity Date,OneNote Copilot Last Activity Date,Loop Copilot Last Activity Date,Copilot Chat Last Activity Date";

#[test]
fn m365_rows_give_each_known_day_of_use_by_app() {
    let text = format!(
        "{M365_HEADER}\n\
         2024-06-26,7,Adele@Contoso.com,Adele,2024-06-12,2024-06-12,2024-03-29,,2024-03-26,,,,2024-01-10\n\
         2024-06-26,7,alex@contoso.com,Alex,2024-06-20,,,,,,,,\n\
         2024-06-26,7,ito@contoso.com,Ito,,,,,,,,,\n\
         2024-06-26,7,,Nobody,2024-06-20,,,,,,,,\n\
         2024-06-26,7,kai@contoso.com,Kai,2024-06-27,,,,,,,,\n\
         2024-06-26,7,kai@contoso.com,Kai,2024-06-20,,06/20/2024,,,,,,\n\
         2024-06-26,7,kai@contoso.com\n"
    );
    let read = read_vendor(Vendor::M365Copilot, text.as_bytes(), &GithubLogins::default()).unwrap();
    assert_eq!((read.rows, read.rows_without_use, read.bad_line_count), (7, 1, 4));
    let days: Vec<_> = read.days.iter().map(|d| (d.line, d.date.to_string(), d.tool.as_str())).collect();
    assert_eq!(
        days,
        [
            (2, "2024-01-10".into(), "m365-copilot-chat"),
            (2, "2024-03-26".into(), "m365-copilot-powerpoint"),
            (2, "2024-03-29".into(), "m365-copilot-word"),
            (2, "2024-06-12".into(), "m365-copilot-teams"),
            (3, "2024-06-20".into(), "m365-copilot"),
        ]
    );
    assert!(read.days.iter().all(|d| d.count.is_none()));
    assert_eq!(read.days[0].member, "Adele@Contoso.com");
    let bad: Vec<_> = read.bad_lines.iter().map(|b| b.line).collect();
    assert_eq!(bad, [5, 6, 7, 8]);
    assert_eq!(read.bad_lines[0].error, VendorLineError::MissingField { field: M365_USER });
    assert_eq!(
        read.bad_lines[1].to_string(),
        "line 6: `Last Activity Date` 2024-06-27 is after the report's refresh date 2024-06-26"
    );
    assert!(read.bad_lines[2].to_string().contains("Word Copilot Last Activity Date = \"06/20/2024\""));
    assert!(matches!(read.bad_lines[3].error, VendorLineError::Unreadable { .. }));
}

#[test]
fn m365_headers_are_checked() {
    let e = read_vendor(Vendor::M365Copilot, b"Report Refresh Date,User Principal Name\n", &GithubLogins::default());
    assert_eq!(e, Err(VendorError::MissingColumn { column: M365_LAST.into() }));
    // Column names are compared trimmed and in any case; a bare report is read.
    let text = "report refresh date , user principal name,LAST ACTIVITY DATE\n2024-06-26,a@b.jp,2024-06-26\n";
    let read = read_vendor(Vendor::M365Copilot, text.as_bytes(), &GithubLogins::default()).unwrap();
    assert_eq!(read.day_records_csv(), "member,date,count,tool\na@b.jp,2024-06-26,,m365-copilot\n");
}

#[test]
fn login_lists_are_checked() {
    assert!(matches!(GithubLogins::from_csv(b"user,member\n"), Err(VendorError::Logins { line: 1, .. })));
    assert!(matches!(GithubLogins::from_csv(b"login,member\na,\n"), Err(VendorError::Logins { line: 2, .. })));
    let logins = GithubLogins::from_csv(b"\xEF\xBB\xBFmember,login\nE001,Octo\n").unwrap();
    assert_eq!(logins.member_for("OCTO"), "E001");
}
