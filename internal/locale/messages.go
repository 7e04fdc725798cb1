package locale

// messages are the interface's texts: the English key (a fmt format) and its
// simplified and traditional Chinese translations. Verbs may be reordered
// with explicit indexes (%[2]s). TestEveryMessageIsTranslated keeps every
// key the templates and the web package use in this table, in both scripts.
var messages = []struct{ en, hans, hant string }{
	// Numbers and sums (Chinese writes 亿 and 万 instead, see Money).
	{"%s billion", "%s billion", "%s billion"},
	{"%s million", "%s million", "%s million"},

	// Error pages.
	{"Still being prepared", "仍在准备中", "仍在準備中"},
	{"The video of this title is still being prepared. Try again in a few minutes.", "这部作品的视频仍在准备中，请几分钟后再试。", "這部作品的影片仍在準備中，請幾分鐘後再試。"},
	{"Not available on this profile", "不适合此档案", "不適合此設定檔"},
	{"This title is above this profile's maturity rating. Choose another profile to watch it.", "这部作品超出了此档案的分级限制。请选择其他档案观看。", "這部作品超出了此設定檔的分級限制。請選擇其他設定檔觀看。"},
	{"Not available yet", "尚未上线", "尚未上架"},
	{"This title will be available in %[2]s from %[1]s.", "这部作品将于%[1]s在%[2]s上线。", "這部作品將於%[1]s在%[2]s上架。"},
	{"Not available here", "此地区无法观看", "此地區無法觀看"},
	{"This title is not available in %s now.", "这部作品目前在%s无法观看。", "這部作品目前在%s無法觀看。"},
	{"Page not found", "找不到此页面", "找不到此頁面"},
	{"There is nothing at this address. The link may be mistyped, or the title may have left the lineup.", "此地址没有内容。链接可能有误，或者这部作品已经下架。", "此網址沒有內容。連結可能有誤，或者這部作品已經下架。"},
	{"This address is not right: a title's number is a positive whole number.", "此地址有误：作品编号应为正整数。", "此網址有誤：作品編號應為正整數。"},
	{"Not allowed", "无权访问", "無權存取"},
	{"You can't open this page. Sign in with another account, or go back to the home page.", "你无法打开此页面。请使用其他账户登录，或返回首页。", "你無法開啟此頁面。請使用其他帳號登入，或返回首頁。"},
	{"this page is for administrators", "此页面仅供管理员使用", "此頁面僅供管理員使用"},
	{"this service does not take new sign-ups; ask its operator for an account", "本服务不接受新用户注册；请向运营者申请账户", "本服務不接受新用戶註冊；請向營運者申請帳號"},
	{"the form expired or came from another site: reload the page and try again", "表单已过期或来自其他网站：请刷新页面后重试", "表單已過期或來自其他網站：請重新整理頁面後再試"},
	{"Temporarily unavailable", "暂时无法使用", "暫時無法使用"},
	{"Part of the service is not answering. Try again in a minute.", "部分服务没有响应，请稍后再试。", "部分服務沒有回應，請稍後再試。"},
	{"Something went wrong on our side", "我们这边出了问题", "我們這邊出了問題"},
	{"Try again in a moment. If it keeps happening, report it with the error ID below.", "请稍后再试。如果问题持续出现，请附上下面的错误编号报告。", "請稍後再試。如果問題持續出現，請附上下方的錯誤編號回報。"},
	{"This request can't be completed", "无法完成此请求", "無法完成此請求"},
	{"Error ID:", "错误编号：", "錯誤編號："},
	{"Go to the home page", "返回首页", "返回首頁"},
}

// plurals are messages that change with a count, the first argument:
// English has a form for one and one for every other count; Chinese one
// form for all.
var plurals = []struct{ key, one, other, hans, hant string }{
	{"%d views", "%d view", "%d views", "%d次观看", "%d次觀看"},
}
